from appel import licenses


def test_it_knows_open_and_refused_licenses():
    assert licenses.is_open("etalab-2.0")
    assert not licenses.is_open("CC-BY-NC-4.0")
    assert not licenses.is_open("nope")
    assert "not an open license" in str(licenses.refusal("CC-BY-ND-4.0"))
