"""The API's JSON parser: what no endpoint can take is refused (400) before any view runs.

Its own module, importing no DRF view: settings name it (DEFAULT_PARSER_CLASSES),
and DRF imports it while its APIView class is being defined.
"""

import re

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser as BaseJSONParser

# No field of the API nests deeper than a few levels; a body nested far
# deeper is refused before anything walks it (json itself raised
# RecursionError at ~10,000 levels, validation and error reports much earlier).
MAX_JSON_DEPTH = 20
# JSON may spell half of a UTF-16 pair ("\ud800") that is no character at
# all: no database can store it, no page can show it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _refusal(data):
    """Why a parsed body is refused (too deep, or holding a lone surrogate); None if fine."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                return _("The JSON body holds a lone surrogate (\\ud800 to \\udfff), not text.")
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return _("The JSON body is nested more than %(limit)s levels deep.") % {
                    "limit": MAX_JSON_DEPTH
                }
            children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return None


class JSONParser(BaseJSONParser):
    """DRF's JSON parser, refusing (400) what no endpoint can take: see _refusal."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            reason = _("The JSON body is nested more than %(limit)s levels deep.") % {
                "limit": MAX_JSON_DEPTH
            }
        else:
            reason = _refusal(data)
        if reason:
            raise exceptions.ParseError(reason)
        return data
