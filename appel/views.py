"""Web pages for accounts, calls, challenges and members.

Each view loads what it needs in a fixed number of queries, checks the
caller's role with the model's own methods, and leaves every multi-model
write to appel/stewarding.py, which the API calls too.
"""

from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, callstats, ratelimit, sessions
from .conditional import call_state, conditional, site_state
from .forms import CallForm, ChallengeForm, MemberForm, ProfileForm, SignupForm, StatusForm
from .loaders import get_call, get_person, visible_calls
from .models import Call, Challenge, Membership, SitePage, User
from .sitepages import DEFAULTS
from .stewarding import (
    CallArchived,
    InvitationInvalid,
    LastSteward,
    StatusMoveRefused,
    accept_invitation,
    change_status,
    find_people,
    invite,
    launch_call,
    read_invitation,
    remove_member,
    save_call,
    save_challenge,
    set_funder,
    set_member,
)

AUDIT_PAGE_SIZE = 100
HOME_SECTIONS = [
    (Call.Status.OPEN, gettext_lazy("Open calls")),
    (Call.SCHEDULED, gettext_lazy("Calls opening soon")),
    (Call.Status.DRAFT, gettext_lazy("Drafts you steward")),
    (Call.Status.CLOSED, gettext_lazy("Closed calls")),
    (Call.Status.ARCHIVED, gettext_lazy("Archived calls")),
]
STATUS_ACTIONS = {
    Call.Status.OPEN: gettext_lazy("Open the call"),
    Call.Status.CLOSED: gettext_lazy("Close the call"),
    Call.Status.ARCHIVED: gettext_lazy("Archive the call"),
}


def _call_for_steward(request, slug):
    call = get_call(request.user, slug, with_members=True)
    if not call.is_steward(request.user):
        raise PermissionDenied(
            _("Only the funders of the call “%(title)s” manage it.") % {"title": call.title}
        )
    return call


def _is_post(request):
    return request.method == "POST"


def home(request):
    calls = list(visible_calls(request.user, Call.objects.with_stats()))
    sections = [
        (status, heading, [call for call in calls if call.phase == status])
        for status, heading in HOME_SECTIONS
    ]
    return render(request, "appel/call_list.html", {"calls": calls, "sections": sections})


@conditional(call_state, whole=True)
def call_detail(request, slug):
    challenges = Challenge.objects.annotate(resource_count=Count("resources"))
    challenges = challenges.order_by("position", "pk")  # counting drops the default ordering
    call = callstats.load_counted(
        slug,
        lambda calls: get_call(
            request.user,
            slug,
            queryset=calls.prefetch_related(Prefetch("challenges", challenges)),
            with_members=True,
        ),
    )
    members = call.memberships.all()
    role = call.role_of(request.user)
    ctx = {
        "call": call,
        "role": Membership.Role(role).label if role else "",
        "is_steward": role == Membership.Role.STEWARD,
        "stewards": [m.user for m in members if m.role == Membership.Role.STEWARD],
        "reviewers": [m.user for m in members if m.role == Membership.Role.REVIEWER],
        "status_action": STATUS_ACTIONS.get(call.next_status),
    }
    return render(request, "appel/call_detail.html", ctx)


@require_GET
@conditional(call_state, whole=True)
def challenge_detail(request, slug, challenge):
    """A défi: its description, then (slots filled by the higher apps) its communs and threads."""
    call = get_call(request.user, slug)
    challenge = get_object_or_404(call.challenges, slug=challenge)
    challenge.call = call
    ctx = {"call": call, "challenge": challenge, "is_steward": call.is_steward(request.user)}
    return render(request, "appel/challenge_detail.html", ctx)


@login_required
def call_create(request):
    if not request.user.has_perm("appel.add_call"):
        raise PermissionDenied(
            _("Only funders launch calls: the site's team can make your account a funder's.")
        )
    form = CallForm(request.POST) if _is_post(request) else CallForm()
    if form.is_valid():
        try:
            call = launch_call(call=form.save(commit=False), funder=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your call is saved as a draft: only its stewards see it."))
            return redirect(call)
    return render(request, "appel/call_form.html", {"form": form})


@login_required
def call_edit(request, slug):
    call = _call_for_steward(request, slug)
    form = CallForm(request.POST, instance=call) if _is_post(request) else CallForm(instance=call)
    if form.is_valid():
        form.save(commit=False)  # the instance holds the cleaned values
        changes = {name: getattr(call, name) for name in form.changed_data}
        try:
            save_call(call=call, actor=request.user, changes=changes)
        except CallArchived as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The call is updated."))
            return redirect(call)
    return render(request, "appel/call_form.html", {"form": form, "call": call})


STATUS_CONSEQUENCES = {
    Call.Status.OPEN: (
        gettext_lazy("Open “%(title)s”?"),
        [
            gettext_lazy("The call becomes public: everyone can read it."),
            gettext_lazy("Anyone with an account can propose and edit resources."),
        ],
        gettext_lazy("This cannot be undone: an opened call never goes back to draft."),
    ),
    Call.Status.CLOSED: (
        gettext_lazy("Close “%(title)s”?"),
        [
            gettext_lazy(
                "Nobody can propose or edit resources any more; every text stays readable."
            ),
            gettext_lazy(
                "Reviewers can still validate versions, and you can still decide at cut-off dates."
            ),
        ],
        gettext_lazy("This cannot be undone: a closed call never reopens."),
    ),
    Call.Status.ARCHIVED: (
        gettext_lazy("Archive “%(title)s”?"),
        [
            gettext_lazy("The call and its resources become read-only, reviews included."),
            gettext_lazy("Everything stays readable and exportable."),
        ],
        gettext_lazy("This cannot be undone: an archived call stays archived."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def call_status(request, slug):
    """Moves the call to its next status, after a page saying what that changes."""
    call = _call_for_steward(request, slug)
    at_once = request.POST.get("at_once") == "1" or request.GET.get("at_once") == "1"
    if call.is_scheduled:
        # Scheduled: what is left is opening at once (or closing, from the call page).
        default = Call.Status.OPEN if at_once else call.next_status
    else:
        default = call.next_status
    form = StatusForm(request.POST if _is_post(request) else {"status": default or ""})
    if not form.is_valid():
        messages.error(request, _("A call moves from draft to open, closed, then archived only."))
        return redirect(call)
    status = form.cleaned_data["status"]
    if _is_post(request):
        try:
            change_status(call=call, to=status, actor=request.user, at_once=at_once)
        except StatusMoveRefused:
            messages.error(
                request, _("A call moves from draft to open, closed, then archived only.")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if call.is_scheduled:
                sentence = _("The call is announced: it opens by itself on %(date)s.") % {
                    "date": formats.date_format(
                        timezone.localtime(call.opens_at), "DATETIME_FORMAT"
                    )
                }
            else:
                sentence = _("The call is now “%(status)s”.") % {"status": call.phase_label}
            messages.success(request, sentence)
        return redirect(call)
    if not (call.can_move_to(status) or (status == Call.Status.OPEN and call.is_scheduled)):
        messages.error(request, _("A call moves from draft to open, closed, then archived only."))
        return redirect(call)
    return render(request, "confirm.html", _status_confirmation(call, status, at_once))


def _status_confirmation(call, status, at_once):
    """What the confirmation page of a status move says, the dates taken into account."""
    heading, consequences, irreversible = STATUS_CONSEQUENCES[status]
    consequences = list(consequences)
    button, alternative = STATUS_ACTIONS[status], None
    opens_later = call.opens_at is not None and call.opens_at > timezone.now()
    if status == Call.Status.OPEN and opens_later:
        when = formats.date_format(timezone.localtime(call.opens_at), "DATETIME_FORMAT")
        if call.is_scheduled:
            consequences = [
                _("The call opens now instead of %(date)s: its opening date becomes now.")
                % {"date": when},
                *consequences[1:],
            ]
            button = _("Open now")
        elif not at_once:
            consequences = [
                _("The call is announced now: everyone can read it."),
                _("It opens by itself on %(date)s; until then nobody can propose resources.")
                % {"date": when},
            ]
            button = _("Schedule the opening")
            alternative = _("Open now instead")
    if status == Call.Status.CLOSED and call.closes_at and call.closes_at > timezone.now():
        consequences.append(
            _("Its closing date (%(date)s) becomes now.")
            % {"date": formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")}
        )
    return {
        "call": call,
        "heading": heading % {"title": call.title},
        "consequences": consequences,
        "irreversible": irreversible,
        "button": button,
        "alternative": alternative,
        "danger": status != Call.Status.OPEN,
        "hidden": {"status": status, **({"at_once": "1"} if at_once or call.is_scheduled else {})},
        "cancel_url": call.get_absolute_url(),
        "cancel_label": _("Cancel, keep it as it is"),
    }


@login_required
def challenge_create(request, slug):
    call = _call_for_steward(request, slug)
    challenge = Challenge(call=call)
    form = ChallengeForm(request.POST if _is_post(request) else None, instance=challenge)
    if form.is_valid():
        try:
            save_challenge(challenge=form.save(commit=False))
        except CallArchived as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The challenge is added."))
            return redirect(f"{call.get_absolute_url()}#defi-{challenge.slug}")
    return render(request, "appel/challenge_form.html", {"form": form, "call": call})


@login_required
def challenge_edit(request, slug, challenge):
    call = _call_for_steward(request, slug)
    challenge = get_object_or_404(call.challenges, slug=challenge)
    form = ChallengeForm(request.POST if _is_post(request) else None, instance=challenge)
    if form.is_valid():
        try:
            save_challenge(challenge=form.save(commit=False))
        except CallArchived as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The challenge is updated."))
            return redirect(f"{call.get_absolute_url()}#defi-{challenge.slug}")
    ctx = {"form": form, "call": call, "challenge": challenge}
    return render(request, "appel/challenge_form.html", ctx)


@login_required
def call_members(request, slug):
    """Members and invitations; people are found by name (stewards only, like the page)."""
    call = _call_for_steward(request, slug)
    form = MemberForm(request.POST) if _is_post(request) else MemberForm()
    # static/js/app.js suggests names from `member_search` as the steward types.
    form.fields["username"].widget.attrs.update(
        {
            "list": "member-suggestions",
            "autocomplete": "off",
            "data-suggest": reverse("appel:member-search", args=[call.slug]),
        }
    )
    if form.is_valid():
        person, role = form.cleaned_data["username"], form.cleaned_data["role"]
        role_label = Membership.Role(role).label.lower()
        try:
            if isinstance(person, str):
                site_url = request.build_absolute_uri("/")
                membership, invitation = invite(
                    call=call, email=person, role=role, actor=request.user, site_url=site_url
                )
            else:
                membership, invitation = (
                    set_member(call=call, user=person, role=role, actor=request.user)[0],
                    None,
                )
        except LastSteward as error:
            form.add_error("role", str(error))
        except CallArchived as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("username", error.message_dict["email"][0])
        else:
            if invitation is not None:
                messages.success(
                    request,
                    _("%(email)s is invited as %(role)s: the link is on its way.")
                    % {"email": invitation.email, "role": role_label},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s is now %(role)s of this call.")
                    % {"name": membership.user.name, "role": role_label},
                )
            return redirect("appel:call-members", call.slug)
    query = request.GET.get("q", "")
    ctx = {
        "call": call,
        "form": form,
        "q": query,
        "found": list(find_people(query)) if query else None,
        "invitations": call.invitations.filter(accepted_at__isnull=True).select_related(
            "created_by"
        ),
    }
    return render(request, "appel/call_members.html", ctx)


@login_required
@require_GET
def member_search(request, slug):
    """The autocomplete of the members page: names only, and for the call's stewards only."""
    call = _call_for_steward(request, slug)
    people = find_people(request.GET.get("q", ""))
    results = [{"username": p.username, "display_name": p.name} for p in people]
    return JsonResponse({"call": call.slug, "results": results})


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, slug, username):
    """Removes a member, after a page saying what they lose."""
    call = _call_for_steward(request, slug)
    membership = get_object_or_404(call.memberships.all(), user__username=username)
    name = membership.user.name
    if not _is_post(request):
        ctx = {
            "call": call,
            "heading": _("Remove %(name)s from “%(title)s”?") % {"name": name, "title": call.title},
            "consequences": [
                _(
                    "%(name)s is no longer %(role)s of this call: "
                    "they can no longer run or review it."
                )
                % {"name": name, "role": membership.get_role_display().lower()},
                _("Their texts, reviews and credits stay as they are."),
            ],
            "irreversible": _("To give the role back, a steward must add them again."),
            "button": _("Remove %(name)s") % {"name": name},
            "danger": True,
            "hidden": {},
            "cancel_url": reverse("appel:call-members", args=[call.slug]),
            "cancel_label": _("Cancel, keep them"),
        }
        return render(request, "confirm.html", ctx)
    try:
        remove_member(call=call, user=membership.user, actor=request.user)
    except (LastSteward, CallArchived) as error:
        messages.error(request, str(error))
        return redirect("appel:call-members", call.slug)
    messages.success(request, _("%(name)s is no longer a member of this call.") % {"name": name})
    if membership.user == request.user:
        return redirect(call)
    return redirect("appel:call-members", call.slug)


@login_required
def call_audit(request, slug):
    """The call's privileged actions, for its stewards: who did what, and when, in words.

    `?action=` (a code) and `?actor=` (a username) narrow the list.
    """
    call = _call_for_steward(request, slug)
    action = request.GET.get("action", "")
    actor = request.GET.get("actor", "").strip()
    entries = audit.for_call(call, action=action, actor=actor)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.sentence = audit.describe(entry)
    ctx = {
        "call": call,
        "page": page,
        "actions": audit.Action.choices,
        "action": action,
        "actor": actor,
        "people": [m.user for m in call.memberships.all()],
        "filtered": bool(action or actor),
    }
    return render(request, "appel/audit_log.html", ctx)


def admin_login(request):
    """The admin's login, under the same limits as the site's (see LoginView)."""
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            ratelimit.check_login(request, username)
        except ratelimit.RateLimited as error:
            return ratelimit.too_many_requests(request, error)
        response = admin.site.login(request)
        if response.status_code != 302:
            ratelimit.record_failed_login(request, username)
        return response
    return admin.site.login(request)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, sending at most a few mails per address and per client.

    Over either limit nothing is sent, and the answer is the same "check your
    mail" page as always: whether an account has this address stays unknown.
    """

    def form_valid(self, form):
        try:
            ratelimit.hit("password_reset_address", ratelimit.client_address(self.request))
            ratelimit.hit("password_reset_email", form.cleaned_data["email"].strip().casefold())
        except ratelimit.RateLimited:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    """Django's login, refusing an account or an address after too many failures."""

    def post(self, request, *args, **kwargs):
        try:
            ratelimit.check_login(request, request.POST.get("username", ""))
        except ratelimit.RateLimited as error:
            return ratelimit.too_many_requests(request, error)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.record_failed_login(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)


@ratelimit.limit_posts("register")
def signup(request):
    token = request.POST.get("invitation") or request.GET.get("invitation", "")
    invitation = None
    if token:
        try:
            invitation = read_invitation(token)
        except InvitationInvalid as error:
            messages.error(request, str(error))
            token = ""
    if request.user.is_authenticated:
        return redirect("appel:invitation", token) if invitation else redirect("appel:profile")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    initial = {"email": invitation.email} if invitation else {}
    form = SignupForm(request.POST) if _is_post(request) else SignupForm(initial=initial)
    if form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # The same name, registered by someone else since the form's check.
            form.add_error("username", _("A user with that username already exists."))
        else:
            login(request, user)
            messages.success(request, _("Welcome! Your account is ready."))
            if invitation:
                return _accept(request, token, user)
            return redirect(next_url or "appel:profile")
    ctx = {"form": form, "next": next_url, "invitation": invitation, "token": token}
    return render(request, "registration/signup.html", ctx)


def _accept(request, token, user):
    try:
        membership = accept_invitation(token=token, user=user)
    except InvitationInvalid as error:
        messages.error(request, str(error))
        return redirect("appel:profile")
    messages.success(
        request,
        _("You are now %(role)s of “%(title)s”.")
        % {"role": membership.get_role_display().lower(), "title": membership.call.title},
    )
    return redirect(membership.call)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """What an invitation offers; signed-in people accept it here, others sign up first."""
    try:
        found = read_invitation(token)
    except InvitationInvalid as error:
        return render(request, "appel/invitation.html", {"error": str(error)}, status=404)
    if _is_post(request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _accept(request, token, request.user)
    return render(request, "appel/invitation.html", {"invitation": found, "token": token})


@login_required
@require_POST
def sign_out_everywhere(request):
    """End every session of this person, this one too, and their API token."""
    request.user.sign_out_everywhere()
    logout(request)
    messages.success(request, _("You are signed out on every device, and your API token is ended."))
    return redirect("login")


def _memberships(user, viewer):
    """`user`'s roles on the calls `viewer` may see (someone else's drafts stay hidden)."""
    visible = visible_calls(viewer).values("pk")
    memberships = user.memberships.filter(call__in=visible).select_related("call")
    return memberships.order_by("-call__created_at")


@login_required
def profile(request):
    if _is_post(request):
        # A copy, so that an invalid name is not shown in the page header.
        form = ProfileForm(request.POST, instance=User.objects.get(pk=request.user.pk))
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is updated."))
            return redirect("appel:profile")
    else:
        form = ProfileForm(instance=request.user)
    sessions.remember(request, request.user)
    ctx = {
        "profile_user": request.user,
        "memberships": _memberships(request.user, request.user),
        "form": form,
        "sessions": sessions.sessions_of(request.user),
        "current_session": request.session.session_key,
    }
    return render(request, "appel/user_profile.html", ctx)


@login_required
@require_POST
def session_end(request, pk):
    """Sign one browser out; ending the current one is signing out here."""
    current = sessions.sessions_of(request.user).filter(
        pk=pk, session_key=request.session.session_key
    )
    if current.exists():
        logout(request)
        messages.success(request, _("You are signed out of this browser."))
        return redirect("appel:home")
    if sessions.end_session(user=request.user, session_id=pk):
        messages.success(request, _("That session is ended: the browser is signed out."))
    else:
        messages.info(request, _("That session had already ended."))
    return redirect(reverse("appel:profile") + "#sessions")


@require_GET
@conditional(site_state, whole=True)
def user_detail(request, username):
    profile_user = get_person(username)
    ctx = {"profile_user": profile_user, "memberships": _memberships(profile_user, request.user)}
    return render(request, "appel/user_profile.html", ctx)


@login_required
@require_POST
def user_funder(request, username):
    """Staff grant or withdraw the right to launch calls, from the person's page."""
    if not request.user.is_staff:
        raise PermissionDenied
    person = get_object_or_404(User, username=username, is_active=True)
    funder = request.POST.get("funder") == "1"
    set_funder(user=person, funder=funder, actor=request.user)
    if funder:
        messages.success(request, _("%(name)s may now launch calls.") % {"name": person.name})
    else:
        messages.success(request, _("%(name)s may no longer launch calls.") % {"name": person.name})
    return redirect("appel:user-detail", person.username)


def site_page(request, key):
    """Legal notice, personal data, accessibility: in the reader's language."""
    if key not in SitePage.Key.values:
        raise Http404(_("This page does not exist."))
    # Written by a migration; written again here if it went missing.
    page, _created = SitePage.objects.get_or_create(key=key, defaults=DEFAULTS[key])
    title, html = page.in_language(get_language())
    return render(request, "appel/site_page.html", {"page": page, "title": title, "html": html})
