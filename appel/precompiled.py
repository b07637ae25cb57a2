"""Read queries that the hottest paths run on every request, compiled once per thread.

Building a queryset and compiling it to SQL costs about a millisecond of
Python for a join of a few tables; the SQL itself, well under a tenth of
that. The state queries of the conditional pages (`appel.conditional`,
`resources.pagecache`) run before every cached page and every 304, so they
are compiled once: `Precompiled(build)` calls `build(*parameters)` the first
time in each thread, keeps its SQL, and from then on runs that SQL with the
new parameters, converting the rows as Django would (dates on SQLite).

`build` must use each parameter as a plain value of a filter (no constant of
its own in the SQL's parameters): that is checked when it is compiled.
"""

import threading

from django.db import DEFAULT_DB_ALIAS, connections


class Precompiled:
    def __init__(self, build):
        self._build = build
        self._local = threading.local()  # a compiler holds its thread's connection

    def _compile(self, using, count):
        markers = [f"\x00precompiled-{n}\x00" for n in range(count)]
        compiler = self._build(*markers).query.get_compiler(using)
        sql, params = compiler.as_sql()
        if not set(params) <= set(markers):
            raise ValueError(f"{self._build.__qualname__} adds parameters of its own: {params}")
        order = [markers.index(param) for param in params]
        converters = compiler.get_converters([column[0] for column in compiler.select])
        return compiler, sql, order, converters

    def rows(self, *parameters, using=DEFAULT_DB_ALIAS):
        """The rows of `build(*parameters)`, as tuples of the values it selects."""
        compiled = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = {}
        if using not in compiled:
            compiled[using] = self._compile(using, len(parameters))
        compiler, sql, order, converters = compiled[using]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [parameters[n] for n in order])
            rows = cursor.fetchall()
        if converters:
            rows = list(compiler.apply_converters(rows, converters))
        return [tuple(row) for row in rows]
