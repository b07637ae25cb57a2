"""Pages of the people around a commun or a call: threads, watching, notifications.

The rules live in contributions/discussing.py and contributions/notifying.py,
which the API calls too; these views load, ask, and explain the answer.
Every thread page exists twice, at a commun's address and at its call's
(the call's forum): the same views, with `resource=None` for the call.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appel.loaders import get_call
from appel.models import Call, Membership, User
from appel.ratelimit import limit_posts
from resources import loaders

from .. import discussing, notifying

THREADS_PAGE_SIZE = 50
NOTIFICATIONS_PAGE_SIZE = 50


class ThreadForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=discussing.MAX_TITLE_CHARS)
    quote = forms.CharField(
        label=gettext_lazy("Quoted passage"),
        required=False,
        max_length=discussing.MAX_QUOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Optional: the sentence of the text this thread is about."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=discussing.MAX_BODY_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown. Write @username to tell someone."),
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=discussing.MAX_BODY_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Markdown. Write @username to tell someone."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=discussing.MAX_REASON_CHARS)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("email_notifications", "language")
        widgets = {"email_notifications": forms.RadioSelect}


def _call(request, slug):
    """The call with its roles (moderation, resolving), as the visitor may see it, else 404."""
    memberships = Prefetch("memberships", Membership.objects.only("call_id", "user_id", "role"))
    return get_call(request.user, slug, queryset=Call.objects.prefetch_related(memberships))


def _target(request, call_slug, resource_slug):
    """(call, resource or None) the URL names, as the visitor may see them, else 404."""
    call = _call(request, call_slug)
    if resource_slug is None:
        return call, None
    found = loaders.get_resource(request.user, call.slug, resource_slug)
    found.call = call
    return call, found


def _thread(request, call_slug, resource_slug, thread):
    call = _call(request, call_slug)
    found = discussing.get_thread(
        request.user, call_slug=call.slug, resource_slug=resource_slug, pk=thread
    )
    found.call = call
    if found.resource is not None:
        found.resource.call = call
    return found


def _threads_url(call, resource):
    if resource is None:
        return reverse("contributions:call-threads", args=[call.slug])
    return reverse("contributions:resource-threads", args=[call.slug, resource.slug])


def _refused(request, error):
    messages.error(request, str(error))


@require_GET
def thread_list(request, call_slug, resource_slug=None):
    call, resource = _target(request, call_slug, resource_slug)
    page = Paginator(
        discussing.threads_of(call=call, resource=resource), THREADS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    ctx = {
        "call": call,
        "resource": resource,
        "page": page,
        "watching": notifying.is_watching(request.user, call=call, resource=resource),
        "archived": call.status == Call.Status.ARCHIVED,
    }
    return render(request, "contributions/thread_list.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("edit")
def thread_create(request, call_slug, resource_slug=None):
    """A new thread; `?version=N&quote=...` anchors it to a passage of that version."""
    call, resource = _target(request, call_slug, resource_slug)
    initial = {"version": request.GET.get("version"), "quote": request.GET.get("quote", "")}
    form = ThreadForm(request.POST or None, initial=initial)
    if resource is None:
        del form.fields["quote"], form.fields["version"]
    if form.is_valid():
        data = form.cleaned_data
        version = None
        if resource is not None and data.get("version"):
            version = resource.versions.filter(
                number=min(data["version"], loaders.MAX_NUMBER)
            ).first()
        try:
            thread = discussing.start_thread(
                call=call,
                resource=resource,
                author=request.user,
                title=data["title"],
                body=data["body"],
                version=version,
                quote=data.get("quote", ""),
            )
        except discussing.ReadOnlyCall as error:
            _refused(request, error)
            return redirect(_threads_url(call, resource))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your thread is open."))
            return redirect(thread)
    anchored = None
    if resource is not None:
        number = form["version"].value()
        if str(number or "").isdigit():
            anchored = resource.versions.filter(number=min(int(number), loaders.MAX_NUMBER)).first()
    ctx = {"call": call, "resource": resource, "form": form, "anchored": anchored}
    status = 400 if request.method == "POST" else 200
    return render(request, "contributions/thread_create.html", ctx, status=status)


def _thread_page(request, thread, form=None, status=200):
    moderator = thread.call.is_steward(request.user)
    posts = list(discussing.posts_of(thread))
    ctx = {
        "call": thread.call,
        "resource": thread.resource,
        "thread": thread,
        "posts": posts,
        "form": form or PostForm(),
        "moderator": moderator,
        "may_resolve": discussing.may_resolve(thread, request.user),
        "archived": thread.call.status == Call.Status.ARCHIVED,
    }
    return render(request, "contributions/thread_detail.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@limit_posts("edit")
def thread_detail(request, call_slug, thread, resource_slug=None):
    """The thread and its posts; POST replies (signed in)."""
    thread = _thread(request, call_slug, resource_slug, thread)
    if request.method == "GET":
        return _thread_page(request, thread)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = discussing.add_post(
                thread=thread, author=request.user, body=form.cleaned_data["body"]
            )
        except discussing.ReadOnlyCall as error:
            _refused(request, error)
            return redirect(thread)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reply is posted."))
            return redirect(f"{thread.get_absolute_url()}#post-{post.pk}")
    return _thread_page(request, thread, form, status=400)


@require_POST
@login_required
def thread_resolve(request, call_slug, thread, resource_slug=None):
    thread = _thread(request, call_slug, resource_slug, thread)
    resolved = request.POST.get("resolved") == "1"
    try:
        discussing.set_resolved(thread=thread, actor=request.user, resolved=resolved)
    except discussing.ReadOnlyCall as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The thread is resolved.") if resolved else _("The thread is open again.")
        )
    return redirect(thread)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("edit")
def post_edit(request, call_slug, thread, post, resource_slug=None):
    thread = _thread(request, call_slug, resource_slug, thread)
    post = discussing.get_post(thread, post)
    if post.author_id != request.user.pk:
        raise PermissionDenied(_("Only the author of a message edits it."))
    form = PostForm(request.POST or None, initial={"body": post.body})
    form.fields["body"].label = _("Message")
    if form.is_valid():
        try:
            discussing.edit_post(post=post, author=request.user, body=form.cleaned_data["body"])
        except discussing.ReadOnlyCall as error:
            _refused(request, error)
            return redirect(thread)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your message is updated."))
            return redirect(f"{thread.get_absolute_url()}#post-{post.pk}")
    ctx = {
        "call": thread.call,
        "resource": thread.resource,
        "thread": thread,
        "post": post,
        "form": form,
    }
    return render(
        request,
        "contributions/post_edit.html",
        ctx,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def post_hide(request, call_slug, thread, post, resource_slug=None):
    thread = _thread(request, call_slug, resource_slug, thread)
    post = discussing.get_post(thread, post)
    if not thread.call.is_steward(request.user):
        raise PermissionDenied(_("Only the stewards of the call moderate its discussions."))
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the message is hidden."))
        return redirect(f"{thread.get_absolute_url()}#post-{post.pk}")
    discussing.hide_post(post=post, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("The message is hidden; the reason is in the audit log."))
    return redirect(f"{thread.get_absolute_url()}#post-{post.pk}")


@require_POST
@login_required
def watch_toggle(request, call_slug, resource_slug=None):
    """Watch or stop watching (`watch=1` or `0`); back to where the button was."""
    call, resource = _target(request, call_slug, resource_slug)
    if request.POST.get("watch") == "1":
        notifying.watch(user=request.user, call=call, resource=resource)
        messages.success(request, _("You will be told of what happens here."))
    else:
        notifying.unwatch(user=request.user, call=call, resource=resource)
        messages.success(request, _("You no longer watch this."))
    target = resource.get_absolute_url() if resource is not None else call.get_absolute_url()
    return redirect(target)


@require_GET
@login_required
def notification_list(request):
    """The visitor's notifications by day, newest first."""
    page = Paginator(notifying.notifications_of(request.user), NOTIFICATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [{"n": n, "text": notifying.text_of(n), "url": notifying.url_of(n)} for n in page]
    return render(request, "contributions/notifications.html", {"page": page, "items": items})


@require_POST
@login_required
def notifications_read(request):
    """Mark one notification read (`id`), or all of them; with `next`, go where it leads."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() and len(raw) < 19 else None
    notifying.mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if ids and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    if ids is None:
        messages.success(request, _("All your notifications are marked read."))
    return redirect("contributions:notifications")


@require_POST
@login_required
def preferences(request):
    form = PreferencesForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if form.is_valid():
        notifying.set_preferences(
            user=request.user,
            email_notifications=form.cleaned_data["email_notifications"],
            language=form.cleaned_data["language"] or None,
        )
        messages.success(request, _("Your e-mail preferences are saved."))
    else:
        messages.error(request, _("Choose how often you want e-mails."))
    return redirect("appel:profile")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe from an e-mail, without logging in (RFC 8058 POSTs here).

    GET asks for a confirmation, so that a mail scanner following links
    changes nothing; POST applies what the signed token says. No CSRF: the
    signature is what proves the request came from the e-mail.
    """
    payload = notifying.read_unsubscribe_token(token)
    if payload is None or not User.objects.filter(pk=payload["u"]).exists():
        return render(request, "contributions/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, "contributions/unsubscribe.html", {"payload": payload})
    user, target = notifying.unsubscribe(payload)
    return render(
        request,
        "contributions/unsubscribe.html",
        {"done": True, "payload": payload, "target": target},
    )
