"""Background work of the call domain: e-mails that must not slow a steward's request.

Tasks take ids, read the rows again, and do nothing when there is nothing
left to do (an invitation accepted meanwhile), so running one twice is
harmless.
"""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Invitation


@task
def send_invitation(invitation_id: int, link: str, language: str) -> None:
    """Mails `link` (the signed invitation) to the invited address, in the inviter's language."""
    invitation = (
        Invitation.objects.select_related("call", "created_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    with translation.override(language):
        subject = _("Invitation to “%(title)s”") % {"title": invitation.call.title}
        body = render_to_string(
            "appel/invitation_email.txt", {"invitation": invitation, "link": link}
        )
    send_mail(subject, body, None, [invitation.email])
