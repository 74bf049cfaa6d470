"""The tests' settings: the project's, with DEBUG asked for (its development secrets and static files found
in the apps; pytest-django still runs each test with DEBUG off) and the payment key the tests sign with.
Tests of a production start-up run `manage.py` with onestop.settings and an environment of their own."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("PAYMENT_SECRET", "test-payment-secret")

from onestop.settings import *  # noqa: E402, F403
