import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
application = get_wsgi_application()

from onestop.checks import refuse_to_start_on_errors  # noqa: E402 (needs the apps loaded)

refuse_to_start_on_errors()  # a missing secret stops the web process here, not at a request
