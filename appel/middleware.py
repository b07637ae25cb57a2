"""Request checks that no view should have to repeat."""

from django.http import Http404


class RejectNulInPathMiddleware:
    """A NUL byte in the path is never the name of anything here: 404.

    Slugs and usernames in paths reach database lookups, and PostgreSQL
    refuses NUL in text (an error, hence a 500) where SQLite just finds
    nothing. Raised as Http404 so that handler404 answers: JSON under /api/.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("NUL in path")
        return self.get_response(request)
