"""The license catalogue and the compatibility table used on reuse.

Licenses are SPDX identifiers. Only open licenses (Open Definition or OSI
approved) may be chosen; NonCommercial and NoDerivatives variants are known
so that they can be refused with a clear sentence instead of "unknown id".

Compatibility answers one question: may material under license A be reused
in a new resource published under license B? It follows the Creative Commons
compatibility chart for adaptations, CC's one-way BY-SA 4.0 -> GPLv3 ruling,
the Licence Ouverte 2.0 notice (compatible with CC-BY and ODC-BY, so it may
be relicensed under any license that keeps the attribution), the ODbL's
share-alike on databases and the usual software rules (permissive code into
copyleft, GPL-3.0 into AGPL-3.0 by its section 13, EUPL-1.2's appendix).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class License:
    id: str
    name: str
    url: str
    open: bool = True
    kind: str = "content"  # content, data or software

    def as_dict(self):
        return {"id": self.id, "name": self.name, "url": self.url}


LICENSES = {
    lic.id: lic
    for lic in [
        License(
            "CC0-1.0",
            "Creative Commons Zero 1.0",
            "https://creativecommons.org/publicdomain/zero/1.0/",
        ),
        License(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        License(
            "CC-BY-SA-4.0",
            "Creative Commons Attribution-ShareAlike 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        License(
            "etalab-2.0",
            "Licence Ouverte / Open Licence 2.0",
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        ),
        License(
            "ODbL-1.0",
            "Open Database License 1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
            kind="data",
        ),
        License(
            "ODC-By-1.0",
            "Open Data Commons Attribution 1.0",
            "https://opendatacommons.org/licenses/by/1-0/",
            kind="data",
        ),
        License("MIT", "MIT License", "https://opensource.org/license/mit", kind="software"),
        License(
            "Apache-2.0",
            "Apache License 2.0",
            "https://www.apache.org/licenses/LICENSE-2.0",
            kind="software",
        ),
        License(
            "GPL-3.0-or-later",
            "GNU General Public License v3.0 or later",
            "https://www.gnu.org/licenses/gpl-3.0.html",
            kind="software",
        ),
        License(
            "AGPL-3.0-or-later",
            "GNU Affero General Public License v3.0 or later",
            "https://www.gnu.org/licenses/agpl-3.0.html",
            kind="software",
        ),
        License(
            "EUPL-1.2",
            "European Union Public Licence 1.2",
            "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
            kind="software",
        ),
        # Known but not open: refused everywhere, with a reason.
        License(
            "CC-BY-NC-4.0",
            "Creative Commons Attribution-NonCommercial 4.0",
            "https://creativecommons.org/licenses/by-nc/4.0/",
            open=False,
        ),
        License(
            "CC-BY-ND-4.0",
            "Creative Commons Attribution-NoDerivatives 4.0",
            "https://creativecommons.org/licenses/by-nd/4.0/",
            open=False,
        ),
        License(
            "CC-BY-NC-SA-4.0",
            "Creative Commons Attribution-NonCommercial-ShareAlike 4.0",
            "https://creativecommons.org/licenses/by-nc-sa/4.0/",
            open=False,
        ),
        License(
            "CC-BY-NC-ND-4.0",
            "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
            "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            open=False,
        ),
    ]
}

OPEN_LICENSE_IDS = [lic.id for lic in LICENSES.values() if lic.open]

# Attribution-only licenses: material under them may go into any open license
# that keeps the attribution, i.e. anything but a public-domain dedication.
_KEEPS_ATTRIBUTION = [lid for lid in OPEN_LICENSE_IDS if lid != "CC0-1.0"]

# source license -> licenses a derived resource may carry.
COMPATIBLE = {
    "CC0-1.0": set(OPEN_LICENSE_IDS),
    "CC-BY-4.0": set(_KEEPS_ATTRIBUTION),
    "etalab-2.0": set(_KEEPS_ATTRIBUTION),
    "ODC-By-1.0": set(_KEEPS_ATTRIBUTION),
    "MIT": set(_KEEPS_ATTRIBUTION),
    "Apache-2.0": {"Apache-2.0", "GPL-3.0-or-later", "AGPL-3.0-or-later", "EUPL-1.2"},
    "CC-BY-SA-4.0": {"CC-BY-SA-4.0", "GPL-3.0-or-later"},
    "ODbL-1.0": {"ODbL-1.0"},
    "GPL-3.0-or-later": {"GPL-3.0-or-later", "AGPL-3.0-or-later"},
    "AGPL-3.0-or-later": {"AGPL-3.0-or-later"},
    "EUPL-1.2": {"EUPL-1.2", "GPL-3.0-or-later", "AGPL-3.0-or-later"},
}

_WHY_NOT = {
    "CC-BY-SA-4.0": _(
        "its share-alike clause requires adaptations to stay under CC-BY-SA-4.0 "
        "(or GPL-3.0, which Creative Commons declares compatible)"
    ),
    "ODbL-1.0": _("its share-alike clause requires derived databases to stay under the ODbL"),
    "GPL-3.0-or-later": _(
        "its copyleft requires derived works to stay under the GPL (or the AGPL)"
    ),
    "AGPL-3.0-or-later": _("its copyleft requires derived works to stay under the AGPL"),
    "EUPL-1.2": _("its copyleft allows only the EUPL or a license of its compatibility appendix"),
    "Apache-2.0": _(
        "its patent and notice terms are compatible only with Apache-2.0, "
        "GPL-3.0, AGPL-3.0 and EUPL-1.2"
    ),
}


def get(license_id):
    """The License for an SPDX id, or None when the id is unknown."""
    return LICENSES.get(license_id)


def is_open(license_id):
    lic = LICENSES.get(license_id)
    return bool(lic and lic.open)


def choices():
    return [(lic.id, f"{lic.name} ({lic.id})") for lic in LICENSES.values() if lic.open]


def refusal(license_id):
    """Why a license id cannot be chosen, or None when it is an open license we know."""
    lic = LICENSES.get(license_id)
    if lic is None:
        return _("“%(id)s” is not a license we know. Use an SPDX identifier such as CC-BY-4.0.") % {
            "id": license_id
        }
    if not lic.open:
        return _(
            "%(name)s is not an open license (NonCommercial and NoDerivatives terms are "
            "refused): communs must be reusable by anyone."
        ) % {"name": lic.name}
    return None


def compatibility(source_id, target_id):
    """(allowed, reason): may material under source_id be reused under target_id?"""
    for lid in (source_id, target_id):
        reason = refusal(lid)
        if reason:
            return False, reason
    if source_id == target_id or target_id in COMPATIBLE.get(source_id, set()):
        return True, ""
    source, target = LICENSES[source_id], LICENSES[target_id]
    if target_id == "CC0-1.0":
        why = _(
            "a public-domain dedication cannot keep the attribution that %(source)s requires"
        ) % {"source": source.name}
    else:
        why = _WHY_NOT.get(source_id, _("the two licenses' terms cannot both be honoured"))
    return False, _("Material under %(source)s cannot be reused under %(target)s: %(why)s.") % {
        "source": f"{source.name} ({source.id})",
        "target": f"{target.name} ({target.id})",
        "why": why,
    }
