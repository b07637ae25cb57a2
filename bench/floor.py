"""The floor of the throughput keys: Django answering 14 KB from memory, nothing else.

Settings, URLs and the one view in one module. `bench/run.py` serves it
with the same gunicorn command, settings file (gunicorn.conf.py), load
generator and connections as the real pages, in the same run, and divides
every throughput by its requests per second: what is left is what the
application costs, whatever the day's machine.

    DJANGO_SETTINGS_MODULE=bench.floor gunicorn 'django.core.wsgi:get_wsgi_application()'

No middleware, no database, no templates, no translation: a request goes
through gunicorn, Django's WSGI handler and URL resolver, and a view that
returns a bytes body about the size of a resource page.
"""

from django.http import HttpResponse
from django.urls import path

SIZE = 14 * 1024
_LINE = b"<p>Un commun ouvert, co-\xc3\xa9crit et relu, que chacun peut reprendre.</p>\n"
BODY = (b"<!DOCTYPE html>\n" + _LINE * (SIZE // len(_LINE) + 1))[:SIZE]

SECRET_KEY = "bench-floor-no-secret-here"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.floor"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_I18N = False
USE_TZ = True


def page(request):
    response = HttpResponse(BODY, content_type="text/html; charset=utf-8")
    # As the application's CommonMiddleware does: a length, not a chunked body.
    response["Content-Length"] = str(len(BODY))
    return response


urlpatterns = [path("", page)]
