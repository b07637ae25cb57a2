"""Recent changes, profiles and feeds: one open call with some of everything, and a draft.

In "eau" (open, défis "nappes" and "sols"): bob proposes "Carte des puits"
(nappes), charlie edits it (v2), rita approves v2; charlie opens a thread on
it and bob replies; bob opens a thread in the forum; charlie proposes "Sols
vivants" (sols), waiting for review. In "secret", a call turned back into a
draft by SQL (the only way a draft holds content), bob wrote "Plan caché".
"""

import pytest

from appel.models import Call, Challenge
from contributions import discussing, reviewing
from resources import editing
from tests.conftest import make_call, make_resource

TEXT = "# Carte des puits\n\nLes puits du bassin.\n"


@pytest.fixture
def world(call, alice, bob, charlie, rita):
    Challenge.objects.create(call=call, slug="sols", title="Sols vivants", description="Sols.")
    carte = make_resource(call, bob, title="Carte des puits", content=TEXT)
    v2 = editing.edit_resource(
        resource=carte,
        author=charlie,
        content=TEXT + "\nRecensés.\n",
        base_version=1,
        comment="recensement",
    ).version
    review = reviewing.record_review(version=v2, reviewer=rita, verdict="approve", comment="Bien.")
    thread = discussing.start_thread(
        call=call, resource=carte, author=charlie, title="Par commune ?", body="Ou par nappe ?"
    )
    reply = discussing.add_post(thread=thread, author=bob, body="Par nappe.")
    forum = discussing.start_thread(call=call, author=bob, title="Bienvenue", body="Bonjour.")
    sols = make_resource(call, charlie, challenge="sols", title="Sols vivants", content="Sols.\n")
    secret = make_call(alice, slug="secret", title="Appel secret")
    hidden = make_resource(secret, bob, challenge=None, title="Plan caché", content="Caché.\n")
    Call.objects.filter(pk=secret.pk).update(status=Call.Status.DRAFT)
    carte.refresh_from_db()
    return {
        "carte": carte,
        "v2": v2,
        "review": review,
        "thread": thread,
        "reply": reply,
        "forum": forum,
        "sols": sols,
        "secret": secret,
        "hidden": hidden,
    }
