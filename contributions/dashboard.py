"""The steering dashboard of a call: its figures, each as a table a chart and a CSV share.

Stewards and reviewers follow a call here: activity per week, where the
communs stand in review, how long a version waits for its first review,
how each défi is covered, how complete the fiches are, and the money
decided against the budget. The API (`calls/{call}/dashboard`) serves the
same figures; the page draws them as server-rendered SVG with a text
summary and the data table beside each chart.

Every figure is one grouped query (seven, whatever the call's size), and
the figures are kept in the cache under a fingerprint of what they count
(one small query): a steward reloading the page pays for the computation
once per change, not once per visit (docs/performance.md has both costs).
"""

import datetime
import hashlib
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from appel.models import Call, Challenge, Cutoff
from appel.templatetags.money import money
from resources.completeness import completeness
from resources.models import Resource, ResourceVersion

from . import funding, ledger
from .models import Decision, Review

# The activity chart shows this many weeks at most, the latest ones.
MAX_WEEKS = 26
# How long computed figures are kept when nothing they count changed.
CACHE_SECONDS = 300


def may_see(call, user):
    """Stewards and reviewers of the call: the dashboard helps them run it."""
    return call.can_review(user)


def _monday(day):
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class Table:
    """One figure: a title, the columns, the rows (plain values), a sentence that sums it up."""

    key: str
    title: str
    columns: list
    rows: list
    summary: str = ""
    chart: dict = field(default_factory=dict)


def _week_starts(first, last, zone, *, later=None):
    """Local Mondays 00:00 (aware) from `first`'s week to the one after `last`'s (or `later`,
    a Monday, when it comes after); MAX_WEEKS weeks at most, the latest."""
    monday = _monday(timezone.localtime(first, zone).date())
    end = _monday(timezone.localtime(last, zone).date())
    if later is not None and later > end:
        end = later
    monday = max(monday, end - datetime.timedelta(weeks=MAX_WEEKS - 1))
    starts = []
    while monday <= end + datetime.timedelta(weeks=1):
        starts.append(datetime.datetime.combine(monday, datetime.time(), tzinfo=zone))
        monday += datetime.timedelta(weeks=1)
    return starts


def _validations(call, zone):
    """{local Monday: versions validated that week}; a version is validated by its
    `approvals_required`-th approval, and dated by it."""
    approvals = (
        Review.objects.filter(
            version__resource__call=call,
            version__state=ResourceVersion.State.VALIDATED,
            verdict=Review.Verdict.APPROVE,
        )
        .values_list("version_id", "created_at")
        .order_by("version_id", "created_at", "pk")
    )
    seen, validations = {}, {}
    for version_id, at in approvals:
        seen[version_id] = seen.get(version_id, 0) + 1
        if seen[version_id] == call.approvals_required:
            week = _monday(timezone.localtime(at, zone).date())
            validations[week] = validations.get(week, 0) + 1
    return validations


def _weekly(call):
    """Versions, distinct contributors and validations per week (local Mondays), latest MAX_WEEKS.

    The weeks' bounds are computed here, in the site's time zone (a summer
    time change included); the database only counts rows between bounds.
    """
    zone = timezone.get_current_timezone()
    validations = _validations(call, zone)
    versions = ResourceVersion.objects.filter(resource__call=call).order_by()
    span = versions.aggregate(first=Min("created_at"), last=Max("created_at"))
    if span["first"] is None:
        return []
    starts = _week_starts(span["first"], span["last"], zone, later=max(validations, default=None))
    weeks = list(zip(starts, starts[1:], strict=False))
    counts = versions.filter(created_at__gte=starts[0], created_at__lt=starts[-1]).aggregate(
        **{
            f"v{i}": Count("pk", filter=Q(created_at__gte=low, created_at__lt=high))
            for i, (low, high) in enumerate(weeks)
        },
        **{
            f"c{i}": Count(
                "author", distinct=True, filter=Q(created_at__gte=low, created_at__lt=high)
            )
            for i, (low, high) in enumerate(weeks)
        },
    )
    return [
        {
            "week": low.date().isoformat(),
            "versions": counts[f"v{i}"],
            "contributors": counts[f"c{i}"],
            "validations": validations.get(low.date(), 0),
        }
        for i, (low, _high) in enumerate(weeks)
    ]


def _states(call):
    """Communs by the state of their latest version: validated, waiting, changes requested."""
    counts = dict(
        Resource.objects.filter(call=call, latest_version__isnull=False)
        .values_list("latest_version__state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {state: counts.get(state, 0) for state in ResourceVersion.State.values}


def _latency_hours(call):
    """Median hours between a version's save and its first review, over reviewed versions.

    The delays are computed by the database (no date parsed per version here).
    """
    delays = (
        Review.objects.filter(version__resource__call=call)
        .values("version_id")
        .annotate(
            delay=ExpressionWrapper(
                Min("created_at") - F("version__created_at"), output_field=DurationField()
            )
        )
        .values_list("delay", flat=True)
        .order_by()
    )
    hours = [delay.total_seconds() / 3600 for delay in delays]
    if not hours:
        return None, 0
    return round(statistics.median(hours), 1), len(hours)


def _by_challenge(call):
    challenges = (
        Challenge.objects.filter(call=call)
        .annotate(
            n_resources=Count("resources", distinct=True),
            n_validated=Count(
                "resources", filter=Q(resources__stable_version__isnull=False), distinct=True
            ),
            n_participants=Count("resources__versions__author", distinct=True),
        )
        .order_by("position", "pk")
    )
    return [
        {
            "challenge": challenge.slug,
            "title": challenge.title,
            "resources": challenge.n_resources,
            "validated": challenge.n_validated,
            "participants": challenge.n_participants,
        }
        for challenge in challenges
    ]


def _completeness(call):
    """How many communs fill each required section, and how many fill them all."""
    required = call.required_sections
    outlines = Resource.objects.filter(call=call).values_list("outline", flat=True)
    total = complete = 0
    missing = dict.fromkeys(required, 0)
    for outline in outlines:
        total += 1
        found = completeness(outline, required)
        complete += not found["missing"]
        for title in found["missing"]:
            missing[title] += 1
    return {
        "required": required,
        "resources": total,
        "complete": complete,
        "sections": [
            {"section": title, "filled": total - missing[title], "missing": missing[title]}
            for title in required
        ],
    }


def _funding(call):
    """Budget; granted and paid as the ledger counts them; decided (published or not).

    `granted`: the grants that count (an amendment in place of what it
    corrects); `paid`: the payments due of the milestones met, likewise
    (contributions/ledger.py, docs/money.md). `funders`: the lead funder
    (the call's `funder_name`) first, then each co-funder with its budget,
    its défis (none: all) and what it granted and owes.
    """
    figures = Decision.objects.filter(cutoff__call=call).aggregate(
        decided=Sum("amount", filter=Q(decision="selected")),
        selected=Count("pk", filter=Q(decision="selected", cutoff__published=True)),
    )
    totals = ledger.totals(call, with_people=False)
    zero = Decimal("0.00")

    def counted(pk):
        found = totals["by_funder"].get(pk, {})
        return found.get("grant", zero), found.get("milestone", zero)

    granted, paid = counted(None)
    funders = [
        {
            "name": call.funder_name,
            "lead": True,
            "budget": None,
            "challenges": [],
            "granted": granted,
            "paid": paid,
        }
    ]
    for funder in funding.funders_of(call):
        granted, paid = counted(funder.pk)
        funders.append(
            {
                "name": funder.name,
                "lead": False,
                "budget": funder.budget_amount,
                "challenges": [c.title for c in funder.challenges.all()],
                "granted": granted,
                "paid": paid,
            }
        )
    return {
        "budget": Decimal(call.budget_amount),
        "granted": totals["granted"],
        "decided": figures["decided"] or Decimal("0"),
        "paid": totals["paid"],
        "selected": figures["selected"],
        "currency": call.budget_currency,
        "funders": funders,
    }


def _fingerprint(call):
    """What the figures depend on, read in one small query: the latest version, review,
    decision and publication of the call (each found by the newest row of an index)."""
    newest = {
        "version": ResourceVersion.objects.filter(resource__call=OuterRef("pk")).order_by("-pk"),
        "review": Review.objects.filter(version__resource__call=OuterRef("pk")).order_by("-pk"),
        "decision": Decision.objects.filter(cutoff__call=OuterRef("pk")).order_by("-updated_at"),
        "published": Cutoff.objects.filter(call=OuterRef("pk"), published=True).order_by(
            "-published_at"
        ),
    }
    fields = {"version": "pk", "review": "pk", "decision": "updated_at", "published": "pk"}
    row = (
        Call.objects.filter(pk=call.pk)
        .annotate(
            **{
                f"newest_{name}": Subquery(queryset.values(fields[name])[:1])
                for name, queryset in newest.items()
            }
        )
        .values_list(*(f"newest_{name}" for name in newest), "updated_at")
        .first()
    )
    parts = (call.pk, *row, timezone.localdate(), timezone.get_current_timezone_name())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def figures(call: Call) -> dict:
    """Every figure of the dashboard, as the API serves them (amounts as Decimals).

    Computed again only when something they count changed (a version, a
    review, a decision, a publication, the call itself) or a day passed,
    and kept `CACHE_SECONDS` at most: a renamed défi shows within that time.
    """
    key = "dashboard:" + _fingerprint(call)
    found = cache.get(key)
    if found is None:
        found = _compute(call)
        cache.set(key, found, CACHE_SECONDS)
    # Money is read fresh: a ledger entry or a co-funder shows at once.
    return {**found, "funding": _funding(call)}


def _compute(call):
    latency, reviewed = _latency_hours(call)
    return {
        "weekly": _weekly(call),
        "states": _states(call),
        "by_challenge": _by_challenge(call),
        "review_latency_median_hours": latency,
        "reviewed_versions": reviewed,
        "completeness": _completeness(call),
    }


def tables(call: Call, data: dict) -> list[Table]:
    """The figures as the page's tables (and CSV files), each with its summary sentence."""
    weekly = data["weekly"]
    states = data["states"]
    funding = data["funding"]
    found = data["completeness"]
    result = [
        Table(
            "weekly",
            _("Activity per week"),
            [_("Week of"), _("Versions"), _("Contributors"), _("Validations")],
            [[w["week"], w["versions"], w["contributors"], w["validations"]] for w in weekly],
            _(
                "Versions: %(versions)s; validations: %(validations)s; most contributors in "
                "one week: %(people)s; weeks shown: %(weeks)s."
            )
            % {
                "versions": sum(w["versions"] for w in weekly),
                "people": max((w["contributors"] for w in weekly), default=0),
                "validations": sum(w["validations"] for w in weekly),
                "weeks": len(weekly),
            },
        ),
        Table(
            "states",
            _("Where the commons stand in review"),
            [_("State of the latest version"), _("Commons")],
            [
                [_("Validated"), states["validated"]],
                [_("Waiting for review"), states["pending"]],
                [_("Changes requested"), states["changes_requested"]],
            ],
            _("Validated: %(validated)s; waiting: %(pending)s; changes requested: %(changes)s.")
            % {
                "validated": states["validated"],
                "pending": states["pending"],
                "changes": states["changes_requested"],
            },
        ),
        Table(
            "latency",
            _("Review delay"),
            [_("Median hours to the first review"), _("Reviewed versions")],
            [[data["review_latency_median_hours"], data["reviewed_versions"]]],
            (
                _("Median delay to a first review: %(hours)s h (half the versions waited less).")
                % {"hours": number_format(data["review_latency_median_hours"], 1)}
                if data["review_latency_median_hours"] is not None
                else _("No version has been reviewed yet.")
            ),
        ),
        Table(
            "challenges",
            _("Coverage of each challenge"),
            [_("Challenge"), _("Commons"), _("Validated"), _("Participants")],
            [
                [c["title"], c["resources"], c["validated"], c["participants"]]
                for c in data["by_challenge"]
            ],
            _("Challenges with at least one commons: %(covered)s of %(total)s.")
            % {
                "covered": sum(1 for c in data["by_challenge"] if c["resources"]),
                "total": len(data["by_challenge"]),
            },
        ),
        Table(
            "completeness",
            _("Completeness of the fiches"),
            [_("Required section"), _("Filled"), _("Missing or empty")],
            [[s["section"], s["filled"], s["missing"]] for s in found["sections"]],
            (
                _("Commons filling every required section: %(complete)s of %(total)s.")
                % {"complete": found["complete"], "total": found["resources"]}
                if found["required"]
                else _("This call asks for no particular section.")
            ),
        ),
        Table(
            "funding",
            _("Funding decided against the budget"),
            [_("Figure"), _("Amount (%(currency)s)") % {"currency": funding["currency"]}],
            [
                [_("Budget"), funding["budget"]],
                [_("Granted (published decisions)"), funding["granted"]],
                [_("Paid"), funding["paid"]],
            ],
            _("Granted: %(granted)s of %(budget)s; commons selected: %(selected)s.")
            % {
                "granted": money(funding["granted"], funding["currency"]),
                "budget": money(funding["budget"], funding["currency"]),
                "selected": funding["selected"],
            },
        ),
        Table(
            "funders",
            _("Who funds what"),
            [
                _("Funder"),
                _("Challenges funded"),
                _("Budget (%(currency)s)") % {"currency": funding["currency"]},
                _("Granted (%(currency)s)") % {"currency": funding["currency"]},
                _("Paid (%(currency)s)") % {"currency": funding["currency"]},
            ],
            [
                [
                    f["name"] or _("The lead funder"),
                    ", ".join(f["challenges"]) or _("All challenges"),
                    f["budget"],
                    f["granted"],
                    f["paid"],
                ]
                for f in funding["funders"]
            ],
            _("Funders: %(count)s, the lead funder first.") % {"count": len(funding["funders"])},
        ),
    ]
    for table in result:
        # One figure alone (the delay) reads better as a sentence than as a bar; names
        # and défis (the funders) read better as a table.
        charted = (len(table.rows) > 1 or table.key == "weekly") and table.key != "funders"
        table.chart = _chart(table) if charted else None
    return result


# Charts: horizontal bars, one group per row, one bar per numeric column.
BAR, GAP, LABEL_WIDTH, WIDTH = 14, 10, 150, 480


def _chart(table):
    """The geometry of a bar chart for `table` (None when it has nothing to draw)."""
    numeric = [
        index
        for index in range(1, len(table.columns))
        if all(isinstance(row[index], (int, float, Decimal)) for row in table.rows)
    ]
    if not table.rows or not numeric:
        return None
    peak = max((float(row[i]) for row in table.rows for i in numeric), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 60
    groups, y = [], GAP
    for row in table.rows:
        bars = []
        for position, index in enumerate(numeric):
            value = float(row[index])
            bars.append(
                {
                    "series": position,
                    "x": LABEL_WIDTH,
                    "y": y + position * BAR,
                    "width": round(span * value / peak, 1),
                    "value": row[index],
                    "text_x": LABEL_WIDTH + round(span * value / peak, 1) + 4,
                    "text_y": y + position * BAR + BAR - 3,
                }
            )
        height = BAR * len(numeric)
        groups.append({"label": str(row[0]), "label_y": y + height / 2 + 4, "bars": bars})
        y += height + GAP
    return {
        "width": WIDTH,
        "height": y,
        "groups": groups,
        "legend": [table.columns[i] for i in numeric],
    }


def csv_rows(table):
    """The table as the CSV download has it: the header, then the rows as shown."""
    return [table.columns, *table.rows]
