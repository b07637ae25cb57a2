"""gunicorn settings, read from the environment (docs/deploy.md).

    gunicorn appel.wsgi            # picks this file up from the working directory

Threads rather than more processes: a call's zip export streams for a while
and a thread waiting on the client costs little, while each process holds
its own copy of Django. Several hosts behind the proxy share nothing but
PostgreSQL and Redis, so this file only sizes one host.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# One process per core plus one, capped: past that, PostgreSQL connections
# (workers x threads x hosts) run out before the CPU does.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 8))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# A save renders Markdown under the resource's lock (bounded to 2 s + 4 s per MB in
# appel/markup.py); past this many seconds a request is stuck.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then, with jitter so they do not all restart at once.
# Not too often: a new worker starts with empty caches (cached page parts,
# compiled templates) and at 500 requests a second 2,000 requests last 4 s
# (the bench measured 350 rps with 2,000 against 630 with 20,000).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Import Django once in the master: workers fork ready (a recycled worker
# answers at once) and share the imported code's memory.
preload_app = True

# Logs on stdout/stderr, for journald or the container runtime.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Addresses of the proxies whose X-Forwarded-* headers are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Bodies are bounded by Django (DATA_UPLOAD_MAX_MEMORY_SIZE); headers here.
limit_request_line = 8190
limit_request_fields = 100
