"""appel.licenses.compatibility, cell by cell: may material under A be reused under B?

The expected table is written out by hand from the Creative Commons
compatibility chart, CC's BY-SA 4.0 -> GPLv3 ruling, the Licence Ouverte 2.0
notice, the ODbL's share-alike and the usual software rules.
"""

import pytest

from appel import licenses

IDS = [
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "etalab-2.0",
    "ODbL-1.0",
    "ODC-By-1.0",
    "MIT",
    "Apache-2.0",
    "GPL-3.0-or-later",
    "AGPL-3.0-or-later",
    "EUPL-1.2",
]

# Rows: the source's license; columns, in IDS order: the derived resource's license.
#                       CC0 BY  SA  LO  ODbL ODC MIT Apa GPL AGPL EUPL
EXPECTED = {
    "CC0-1.0":           "Y   Y   Y   Y   Y    Y   Y   Y   Y   Y    Y",
    "CC-BY-4.0":         "N   Y   Y   Y   Y    Y   Y   Y   Y   Y    Y",
    "CC-BY-SA-4.0":      "N   N   Y   N   N    N   N   N   Y   N    N",
    "etalab-2.0":        "N   Y   Y   Y   Y    Y   Y   Y   Y   Y    Y",
    "ODbL-1.0":          "N   N   N   N   Y    N   N   N   N   N    N",
    "ODC-By-1.0":        "N   Y   Y   Y   Y    Y   Y   Y   Y   Y    Y",
    "MIT":               "N   Y   Y   Y   Y    Y   Y   Y   Y   Y    Y",
    "Apache-2.0":        "N   N   N   N   N    N   N   Y   Y   Y    Y",
    "GPL-3.0-or-later":  "N   N   N   N   N    N   N   N   Y   Y    N",
    "AGPL-3.0-or-later": "N   N   N   N   N    N   N   N   N   Y    N",
    "EUPL-1.2":          "N   N   N   N   N    N   N   N   Y   Y    Y",
}  # fmt: skip

CELLS = [
    (source, target, mark == "Y")
    for source, row in EXPECTED.items()
    for target, mark in zip(IDS, row.split(), strict=True)
]


def test_it_knows_every_open_license_of_the_table():
    assert sorted(licenses.OPEN_LICENSE_IDS) == sorted(IDS)


@pytest.mark.parametrize(("source", "target", "allowed"), CELLS)
def test_it_answers_each_cell_of_the_compatibility_table(source, target, allowed):
    verdict, reason = licenses.compatibility(source, target)
    assert verdict is allowed
    if allowed:
        assert reason == ""
    else:
        # A refusal names both licenses (name and SPDX id) and says why.
        source_license, target_license = licenses.get(source), licenses.get(target)
        assert f"{source_license.name} ({source})" in reason
        assert f"{target_license.name} ({target})" in reason
        assert reason.rstrip(".").split(": ", 1)[1]


def test_it_explains_the_share_alike_refusal():
    allowed, reason = licenses.compatibility("CC-BY-SA-4.0", "CC-BY-4.0")
    assert not allowed
    assert "share-alike" in reason and "CC-BY-SA-4.0" in reason


def test_it_explains_why_attribution_cannot_go_into_the_public_domain():
    allowed, reason = licenses.compatibility("etalab-2.0", "CC0-1.0")
    assert not allowed
    assert "public-domain dedication cannot keep the attribution" in reason


@pytest.mark.parametrize(
    "closed", ["CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0"]
)
def test_it_refuses_non_open_licenses_either_way(closed):
    for source, target in [(closed, "CC-BY-4.0"), ("CC0-1.0", closed)]:
        allowed, reason = licenses.compatibility(source, target)
        assert not allowed
        assert "is not an open license" in reason


def test_it_refuses_unknown_ids_with_a_clear_sentence():
    allowed, reason = licenses.compatibility("WTFPL-9", "CC-BY-4.0")
    assert not allowed
    assert "“WTFPL-9” is not a license we know" in reason
