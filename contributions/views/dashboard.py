"""The steering dashboard's page and its CSV files (figures: contributions/dashboard.py)."""

import csv

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from appel.loaders import get_call

from .. import dashboard


def _tables(request, slug):
    """The call's dashboard tables, or the reason to show none: (call, tables, refusal)."""
    call = get_call(request.user, slug, with_members=True)
    if not dashboard.may_see(call, request.user):
        if not request.user.is_authenticated:
            return call, None, redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return call, dashboard.tables(call, dashboard.figures(call)), None


@require_GET
def call_dashboard(request, call_slug):
    """Charts with their summary and data table side by side, for stewards and reviewers."""
    call, tables, refusal = _tables(request, call_slug)
    if refusal:
        return refusal
    return render(request, "contributions/dashboard.html", {"call": call, "tables": tables})


def _cell(value):
    # A text starting like a formula is kept as text by spreadsheets.
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value


@require_GET
def dashboard_csv(request, call_slug, table):
    """One table of the dashboard as CSV: the same header and rows as on the page."""
    call, tables, refusal = _tables(request, call_slug)
    if refusal:
        return refusal
    found = {t.key: t for t in tables}
    if table not in found:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{call.slug}-{table}.csv"'
    writer = csv.writer(response)
    for row in dashboard.csv_rows(found[table]):
        writer.writerow([_cell(value) for value in row])
    return response
