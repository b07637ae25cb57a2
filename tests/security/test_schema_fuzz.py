"""The API fuzzed from its own OpenAPI schema: no generated request gets a 500.

Schemathesis reads /api/v1/schema from the WSGI application in process and
generates requests for every operation, as a steward of an open call (with
a token). Half of the cases aim at objects that exist (the call "eau", its
resource "guide", versions 1 and 2...), so that bodies reach the domain code
instead of stopping at a 404. Every case runs in a rolled-back savepoint.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

EXAMPLES_PER_OPERATION = 15
REAL_PATH = {
    "call": "eau",
    "resource": "guide",
    "number": 1,
    "challenge": "nappes",
    "username": "rita",
}


@pytest.fixture
def wsgi_app():
    # Django's own test client does the same: a request must not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_it_never_answers_500_to_generated_requests(roles, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", wsgi_app)
    token = Token.objects.get_or_create(user=roles["steward"])[0].key
    headers = {"Authorization": f"Token {token}"}
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    def fuzz(operation):
        @given(case=operation.as_strategy(), real=st.booleans())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case, real):
            if real and case.path_parameters:
                for name in case.path_parameters:
                    if name in REAL_PATH:
                        case.path_parameters[name] = REAL_PATH[name]
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures.append(
                    (operation.label, case.path_parameters, case.query, case.body,
                     response.status_code, response.text[:3000])
                )  # fmt: skip

        run()

    for operation in operations:
        fuzz(operation)
    for failure in failures:
        print(failure)
    assert failures == []
