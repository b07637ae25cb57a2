"""Seam: places on a lower app's pages that a higher app fills.

Dependencies run one way (contributions -> resources -> appel), yet some
pages of a lower app show what only a higher one knows: the credit panel
beside a resource's text, the reviews of a version, the reviews a person's
versions received on their profile. The lower app names the place: a
`Slot`, defined in its own module (`appel.slots`, `resources.slots`) with
the objects it hands over. The higher app fills it from its
`AppConfig.ready()` with `SLOT.provide(function)`; each function gets the
objects as keyword arguments and returns its part (HTML for a page, plain
data for the API). Templates ask with `{% fill "name" key=value %}`
(appel/templatetags/slots.py), code with `SLOT.fill(key=value)`. An empty
slot shows nothing: the lower app works alone.
"""

_SLOTS = {}


class Slot:
    def __init__(self, name, doc):
        self.name, self.__doc__ = name, doc
        self._providers = []
        _SLOTS[name] = self

    def provide(self, function):
        """Registers `function(**objects)` (once, however often `ready()` runs)."""
        if function not in self._providers:
            self._providers.append(function)
        return function

    def fill(self, **objects):
        """The parts every provider returns for `objects`, in the order they were provided."""
        return [provider(**objects) for provider in self._providers]


def named(name):
    """The slot called `name`, or None when no app defined it."""
    return _SLOTS.get(name)


PROFILE = Slot(
    "profile",
    "Below a person's roles on their profile page: request, profile_user -> HTML.",
)
CALL_PAGE = Slot(
    "call-page",
    "Below the resources of the call page: request, call -> HTML.",
)
HEADER = Slot(
    "header",
    "In the site header's menu, for a signed-in person: request -> HTML (list items).",
)
CALL_LINKS = Slot(
    "call-links",
    "In a call page's list of links about the call: request, call -> HTML (list items).",
)
ACCOUNT = Slot(
    "account",
    "At the end of one's own profile page, after the account settings: request -> HTML.",
)
CALL_COMMUNS = Slot(
    "call-communs",
    "On the call page, its communs (title, défis, team, state, last activity), the latest "
    "active first, a fixed number of queries: request, call -> HTML.",
)
CHALLENGE_COMMUNS = Slot(
    "challenge-communs",
    "On a défi's page, the communs answering it with their counts (communs, validated, "
    "participants) and their threads, a fixed number of queries: request, call, challenge -> HTML.",
)
