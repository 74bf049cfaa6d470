"""The client's address, one rule for every throttle and for the login lockout: with NUM_PROXIES trusted
reverse proxies in front, the address the outermost of them saw in X-Forwarded-For; with none (the default),
the socket's, whatever a client writes in that header."""

from rest_framework.throttling import BaseThrottle


def client_ip(request) -> str:
    return BaseThrottle().get_ident(request)
