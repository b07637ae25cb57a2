"""Editors saving at the same instant from the same base, on PostgreSQL: nothing is lost.

Each thread calls resources/editing.py on its own database connection; the
row lock taken by the editing module orders them. Whatever the order, the
versions are numbered 1..N without gap, each accepted text is in history,
and an overlapping edit is refused rather than silently overwriting another.
"""

import threading

import pytest
from django.db import connection, connections

from appel.models import Challenge
from resources import editing
from resources.models import Resource, ResourceVersion
from tests.conftest import make_call, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
ROUNDS = 3
PARAGRAPHS = [f"Paragraphe {i} : texte de départ." for i in range(THREADS)]
BASE = "# Carte\n\n" + "\n\n".join(PARAGRAPHS) + "\n"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (set DATABASE_URL)")


@pytest.fixture
def cast():
    alice = make_user("alice", funder=True)
    call = make_call(alice)
    Challenge.objects.create(call=call, slug="nappes", title="Nappes")
    editors = [make_user(f"editor{i}") for i in range(THREADS)]
    return call, editors


def together(count, save):
    """Run save(i) for i in range(count) at once (a barrier), each thread on its own connection."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def work(i):
        try:
            barrier.wait()
            outcomes[i] = save(i)
        except editing.EditConflict as conflict:
            outcomes[i] = conflict
        except Exception as error:  # reported by the test, not swallowed
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def save_together(resource, editors, texts, base_version):
    return together(
        len(editors),
        lambda i: editing.edit_resource(
            resource=resource, author=editors[i], content=texts[i], base_version=base_version
        ),
    )


def check_history(resource, created):
    """Numbers 1..N without gap or duplicate, one per accepted save, each text kept."""
    versions = list(ResourceVersion.objects.filter(resource=resource).order_by("number"))
    assert [v.number for v in versions] == list(range(1, len(versions) + 1))
    assert len(versions) == 1 + len(created)
    numbers = {v.number: v for v in versions}
    for result in created:
        assert numbers[result.version.number].content_hash == result.version.content_hash
    resource.refresh_from_db()
    assert resource.latest_version == versions[-1]
    return versions


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_it_accepts_one_of_many_edits_of_the_same_line(cast, round_):
    call, editors = cast
    resource = editing.create_resource(
        call=call, author=editors[0], title=f"Carte {round_}", content=BASE
    ).resource
    texts = [BASE.replace("Paragraphe 0 :", f"Paragraphe 0 ({i}) :") for i in range(THREADS)]
    outcomes = save_together(resource, editors, texts, base_version=1)

    errors = [
        o for o in outcomes if isinstance(o, Exception) and not isinstance(o, editing.EditConflict)
    ]
    assert errors == []
    created = [o for o in outcomes if isinstance(o, editing.EditResult) and o.created]
    conflicts = [o for o in outcomes if isinstance(o, editing.EditConflict)]
    assert len(created) == 1 and len(conflicts) == THREADS - 1
    winner = texts.index(created[0].version.content)
    for conflict in conflicts:
        assert conflict.content in texts and conflict.content != texts[winner]
        assert conflict.latest.number == 2
    check_history(resource, created)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_it_merges_many_edits_of_separate_paragraphs(cast, round_):
    call, editors = cast
    resource = editing.create_resource(
        call=call, author=editors[0], title=f"Carte {round_}", content=BASE
    ).resource
    texts = [
        BASE.replace(f"Paragraphe {i} :", f"Paragraphe {i} (revu par {i}) :")
        for i in range(THREADS)
    ]
    outcomes = save_together(resource, editors, texts, base_version=1)

    assert all(isinstance(o, editing.EditResult) and o.created for o in outcomes), outcomes
    versions = check_history(resource, outcomes)
    assert len(versions) == THREADS + 1
    assert sum(o.merged for o in outcomes) == THREADS - 1  # all but the first one saved
    final = Resource.objects.get(pk=resource.pk).content
    for i in range(THREADS):
        assert f"Paragraphe {i} (revu par {i}) :" in final
        # each accepted version holds its own change
        assert (
            f"Paragraphe {i} (revu par {i}) :"
            in next(v for v in versions if v.author_id == editors[i].pk and v.number > 1).content
        )


def test_it_gives_resources_proposed_at_once_their_own_slugs(cast):
    call, editors = cast
    outcomes = together(
        THREADS,
        lambda i: editing.create_resource(
            call=call, author=editors[i], title="Carte des puits", content=f"Texte {i}.\n"
        ),
    )
    assert all(isinstance(o, ResourceVersion) for o in outcomes), outcomes
    slugs = sorted(Resource.objects.filter(call=call).values_list("slug", flat=True))
    assert len(set(slugs)) == THREADS and "carte-des-puits" in slugs
