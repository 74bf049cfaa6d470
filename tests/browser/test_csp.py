"""Every kind of page under the Content-Security-Policy, in Chromium: nothing refused (no inline script, no
asset from elsewhere), and the officers' scripts, now files, still work."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _watch(page) -> list[str]:
    """Console errors (a CSP refusal is one), script errors, and assets answered with an error (the browser's own
    request for /favicon.ico aside; its console line is replaced by the response seen here)."""
    problems = []

    def console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"{page.url}: {message.text}")

    def response(answer):
        if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
            problems.append(f"{answer.url}: {answer.status}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    page.on("response", response)
    return problems


def test_no_page_breaks_the_content_security_policy(page, live_server, world):
    dossier = world.counter_dossier()
    world.admin.is_staff = True
    world.admin.save()
    problems = _watch(page)
    for path in ("/", "/tra-cuu/", "/dich-vu-cong/", "/can-bo/dang-nhap/", "/api/docs/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert page.locator("#swagger-ui .information-container").count() == 1  # its script ran, from a file
    _sign_in(page, live_server, world.counter)
    for path in ("/can-bo/", f"/can-bo/ho-so/{dossier.code}/", "/can-bo/tiep-nhan/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # The counter's procedure list sends its form when a procedure is chosen (a script file, not onchange="").
    page.select_option("#pick-procedure", index=1)
    page.wait_for_url("**thu_tuc=*")
    _sign_in(page, live_server, world.admin)
    for path in ("/admin/", f"/admin/dossiers/dossier/{dossier.pk}/change/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert problems == []
