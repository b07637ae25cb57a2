"""The Redis cache backend, as Django's but with one redis-py client per connection pool.

Django makes a new `redis.Redis` client for every cache operation, and each
new client fills its table of several hundred response callbacks: about a
tenth of the time of a page served whole from the cache. A client is safe to
share between threads (each command takes a connection from the pool), so
one per pool is kept. Selected by `REDIS_URL` (appel/settings.py).
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
