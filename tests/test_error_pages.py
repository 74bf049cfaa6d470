"""The site's own 403, 404 and 500 pages: Vietnamese, in the site's layout, never Django's debug page when
DEBUG is off."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path
from django.utils import translation

from onestop.urls import urlpatterns as site_urls


def _boom(request):
    raise RuntimeError("a fault nobody foresaw")


def _no_entry(request):
    raise PermissionDenied


urlpatterns = [path("test-loi/", _boom), path("test-cam/", _no_entry), *site_urls]
handler403 = "onestop.errors.permission_denied"
handler404 = "onestop.errors.page_not_found"
handler500 = "onestop.errors.server_error"


@pytest.fixture(autouse=True)
def _default_language():
    """A request leaves its language active in the thread; give the next test back the default one."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def test_unknown_address_is_a_vietnamese_404_in_the_layout(db, production):
    response = Client().get("/khong-co-trang-nay/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang bạn cần" in page
    assert "/khong-co-trang-nay/" in page
    assert 'class="site"' in page  # the site's header and footer
    assert "Not Found" not in page and "Page not found" not in page


def test_404_says_what_the_view_said(client, world, production):
    client.force_login(world.counter)

    response = client.get("/can-bo/ho-so/000.00.12.H52-250812-9999/")

    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ 000.00.12.H52-250812-9999 hoặc bạn không có quyền xem." in response.content.decode()


def test_permission_denied_is_a_vietnamese_403(db, production):
    response = Client().get("/test-cam/")

    assert response.status_code == 403
    assert "bạn không có quyền truy cập trang này" in response.content.decode()


def test_a_crash_is_a_vietnamese_500_without_the_debug_page(db, production):
    response = Client(raise_request_exception=False).get("/test-loi/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in page
    assert 'class="site"' in page
    assert "a fault nobody foresaw" not in page and "Traceback" not in page


def test_error_pages_follow_the_chosen_language(db, production):
    response = Client().get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "Không tìm thấy trang" not in response.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_the_site_s_403(db):
    response = Client(enforce_csrf_checks=True).post("/can-bo/dang-nhap/", {"username": "a", "password": "b"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn hoặc không hợp lệ" in page
    assert "CSRF verification failed" not in page
