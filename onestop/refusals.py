"""What every app's refusals share, so that the API answers them in one shape (API.md: {"detail", "code"})
without knowing the apps: a message a person understands, a machine-readable code and the HTTP status."""

from __future__ import annotations


class Refusal(Exception):
    """A refusal with a message a person understands; `status` is the HTTP answer, `errors` the fields' own
    messages and `extra` what else the answer carries (e.g. the current version of what changed)."""

    status = 400
    code = "invalid"

    def __init__(self, message, *, code: str | None = None, errors: dict | None = None, **extra):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.errors = errors or {}
        self.extra = extra
