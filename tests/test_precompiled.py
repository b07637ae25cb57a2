"""appel/precompiled.py: a query compiled once gives what its queryset gives, every time."""

import datetime
import threading

import pytest

from appel.models import Call
from appel.precompiled import Precompiled
from resources.models import Resource

from .conftest import make_call, make_resource


def _calls(status, slug):
    # `slug` comes first in the SQL (Django sorts a filter's keywords), second here.
    return (
        Call.objects.filter(status=status, slug=slug)
        .order_by()
        .values_list("slug", "opens_at", "closes_at", "created_at")
    )


CALLS = Precompiled(_calls)


def test_the_rows_are_those_of_the_queryset_dates_converted(alice, bob):
    eau = make_call(alice)
    make_call(alice, slug="sols", title="Sols")
    eau.closes_at = datetime.datetime(2027, 1, 31, 12, tzinfo=datetime.UTC)
    eau.save()
    for slug in ("eau", "sols", "nulle-part"):
        expected = list(_calls(Call.Status.OPEN, slug))
        assert CALLS.rows(Call.Status.OPEN, slug) == expected
    (row,) = CALLS.rows(Call.Status.OPEN, "eau")
    assert isinstance(row[3], datetime.datetime) and row[3].tzinfo is not None
    assert row[2] == eau.closes_at
    assert CALLS.rows(Call.Status.DRAFT, "eau") == []


def test_a_join_gives_the_same_rows(call, bob):
    make_resource(call, bob, title="Carte des puits", content="Texte.")
    join = Precompiled(
        lambda call_slug, slug: (
            Resource.objects.filter(call__slug=call_slug, slug=slug)
            .order_by()
            .values_list("title", "latest_version__number", "call__title")
        )
    )
    assert join.rows("eau", "carte-des-puits") == [("Carte des puits", 1, call.title)]
    assert join.rows("sols", "carte-des-puits") == []


@pytest.mark.django_db(transaction=True)
def test_each_thread_compiles_for_its_own_connection(alice):
    make_call(alice)
    found = []

    def read():
        from django.db import connection

        found.append(CALLS.rows(Call.Status.OPEN, "eau")[0][0])
        connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == ["eau"] and CALLS.rows(Call.Status.OPEN, "eau")[0][0] == "eau"


def test_a_constant_in_the_query_is_refused(db):
    fixed = Precompiled(lambda slug: Call.objects.filter(slug=slug, status="open").order_by())
    with pytest.raises(ValueError, match="parameters of its own"):
        fixed.rows("eau")
