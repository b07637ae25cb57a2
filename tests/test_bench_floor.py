"""The throughput floor of `make bench` and the ratios taken against it (bench/run.py)."""

import http.client
import os

import pytest

from bench import floor, run


def _get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_the_floor_app_answers_14_kb_under_the_bench_gunicorn(tmp_path):
    """Served exactly as the bench serves it: gunicorn.conf.py, 2 workers, bench.floor settings."""
    port = run.free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.floor"}
    env.pop("DATABASE_URL", None)  # it has no database to reach
    log_path = tmp_path / "floor.log"
    with open(log_path, "w") as log:
        server = run.start_gunicorn(run.FLOOR_APP, port, env, log)
        try:
            run.wait_for_200(server, port, "/", log_path, timeout=60)
            status, headers, body = _get(port, "/")
        except run.Broken:
            pytest.fail(log_path.read_text())
        finally:
            run.stop_gunicorn(server)
    assert status == 200
    assert body == floor.BODY
    assert len(body) == 14 * 1024
    assert headers["Content-Length"] == str(14 * 1024)
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_floor_has_no_middleware_no_database_and_no_translation():
    assert floor.MIDDLEWARE == []
    assert floor.DATABASES == {}
    assert floor.INSTALLED_APPS == []
    assert floor.USE_I18N is False


def test_a_ratio_is_the_share_of_the_floor():
    assert run.ratio(330.0, 1100.0) == 0.3
    assert run.ratio(100.0, 3000.0) == 0.033
    assert run.ratio(None, 1000.0) is None
    assert run.ratio(500.0, None) is None
    assert run.ratio(500.0, 0) is None


def test_ratios_are_the_targets_and_rps_plain_figures():
    report = run.Report()
    run.throughput_figures(
        report,
        {
            "throughput_resource": (121.0, " (wrk)", []),  # 0.11 x the floor: below 0.20
            "throughput_hot": (440.0, " (wrk)", []),  # 0.4 x the floor: above 0.30
        },
        [1000.0, 1200.0],
    )
    values = report.values
    assert values["throughput_floor_rps"] == 1100.0
    assert values["throughput_resource_rps"] == 121.0
    assert values["throughput_resource_ratio"] == 0.11
    assert values["throughput_hot_ratio"] == 0.4
    status = {label: (target, state) for label, _text, target, state in report.lines}
    # The rps are information, without targets; the ratios carry them.
    assert status["throughput_floor_rps"] == ("", "info")
    assert status["throughput_hot_rps"] == ("", "info")
    assert status["throughput_resource_rps"] == ("", "info")
    assert status["throughput_hot_ratio"] == (">= 0.3 x floor", "PASS")
    assert status["throughput_resource_ratio"] == (">= 0.2 x floor", "FAIL")
    assert report.passed == 1 and report.failed == 1


def test_errors_under_load_fail_the_ratio_whatever_its_value():
    report = run.Report()
    run.throughput_figures(
        report, {"throughput_hot": (900.0, " (wrk; 12 non-2xx answers)", ["x"])}, [1000.0]
    )
    assert report.values["throughput_hot_ratio"] == 0.9
    assert report.lines[-1][-1] == "FAIL"


def test_without_a_floor_the_ratios_are_missing_and_counted_failed():
    report = run.Report()
    run.throughput_figures(report, {"throughput_hot": (900.0, "", [])}, [])
    assert report.values["throughput_floor_rps"] is None
    assert report.values["throughput_hot_rps"] == 900.0
    assert report.values["throughput_hot_ratio"] is None
    assert report.failed == 2


def test_a_throughput_key_without_a_target_still_gets_its_ratio():
    report = run.Report()
    run.throughput_figures(report, {"throughput_call": (255.0, "", [])}, [1000.0])
    assert report.values["throughput_call_ratio"] == 0.255
    assert report.lines[-1][-1] == "info"
