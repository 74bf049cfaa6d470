"""The Redis cache, answering as an empty cache while Redis cannot be reached: what is cached here (the working
calendars' invalidation token, the throttles' counters) is rebuilt from the database or starts afresh, and a
transition, a new dossier or a tracking look-up never fails because Redis went away. Each failure is logged;
the next call tries Redis again (its client reconnects), so everything resumes when Redis is back."""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("onestop.cache")


def _fail_soft(name: str, unavailable):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            logger.warning("cache unavailable (%s: %s); %s answered without it", type(exc).__name__, exc, name)
            return unavailable(args, kwargs)

    return call


def _default(args, kwargs):
    """What `get` answers for a miss: the default it was given."""
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class ResilientRedisCache(RedisCache):
    get = _fail_soft("get", _default)
    get_many = _fail_soft("get_many", lambda args, kwargs: {})
    has_key = _fail_soft("has_key", lambda args, kwargs: False)
    set = _fail_soft("set", lambda args, kwargs: None)
    add = _fail_soft("add", lambda args, kwargs: False)
    touch = _fail_soft("touch", lambda args, kwargs: False)
    delete = _fail_soft("delete", lambda args, kwargs: False)
    set_many = _fail_soft("set_many", lambda args, kwargs: list(args[0]) if args else [])
    delete_many = _fail_soft("delete_many", lambda args, kwargs: None)
