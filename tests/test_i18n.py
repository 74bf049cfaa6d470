"""English through Django i18n: pages and API errors follow Accept-Language or the language cookie set by
/i18n/setlang/; Vietnamese stays the default. The English catalogue is complete, compiled and keeps every
placeholder of its Vietnamese source. The messages of Django REST framework come in Vietnamese too (the
Vietnamese catalogue holds those the framework ships untranslated), so an API refusal is in one language."""

import re
from collections import Counter
from pathlib import Path

import django
import polib
import pytest
import rest_framework
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.dossiers.api_support import action_url, client_for

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
VIETNAMESE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
FRAMEWORK = Path(rest_framework.__file__).parent / "locale"
UNKNOWN_CODE = "000.00.12.H52-250812-9999"

# printf-style (%s, %(name)s, %(size).1f, %%) and str.format-style ({value}, {{ and }}) placeholders.
PERCENT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]")
BRACES = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


@pytest.fixture(autouse=True)
def _isolated():
    """A request leaves its language active in the thread; give the next test back the default one.
    (Each test has its own cache keys, so the tracking throttle starts with a clean budget.)"""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def english_client() -> Client:
    """A browser that chose English with the switcher: POST /i18n/setlang/ stores the language cookie."""
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tra-cuu/"})
    assert response.status_code == 302
    assert response["Location"] == "/tra-cuu/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


# -- pages ---------------------------------------------------------------------------------------------
def test_home_page_is_vietnamese_by_default_and_english_on_request(db):
    vietnamese = Client().get("/").content.decode()
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="vi">' in vietnamese
    assert "Hệ thống thông tin giải quyết thủ tục hành chính" in vietnamese
    assert "Tra cứu tình trạng hồ sơ" in vietnamese
    assert '<html lang="en">' in english
    assert "Administrative procedure information system" in english
    assert "Track a dossier's status" in english
    assert "Electronic one-stop shop" in english
    assert "Hệ thống thông tin" not in english
    assert "Tra cứu" not in english


def test_language_cookie_from_the_switcher_turns_the_pages_english(db):
    client = english_client()

    home = client.get("/").content.decode()
    tracking = client.get("/tra-cuu/").content.decode()
    back = Client()
    back.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    back.post("/i18n/setlang/", {"language": "vi", "next": "/"})

    assert "Administrative procedure information system" in home
    assert 'value="en" lang="en" aria-pressed="true"' in home
    assert "Enter the dossier code from the receipt" in tracking
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    assert "Hệ thống thông tin giải quyết thủ tục hành chính" in back.get("/").content.decode()


def test_tracking_page_shows_status_and_history_in_the_chosen_language(world):
    dossier = world.counter_dossier()

    english = english_client().get("/tra-cuu/", {"ma": dossier.code})
    vietnamese = Client().get("/tra-cuu/", {"ma": dossier.code})

    assert english.status_code == vietnamese.status_code == 200
    text = english.content.decode()
    for phrase in ("Processing history", "Appointment date", "Deciding agency", "Received"):
        assert phrase in text
    assert "Quá trình xử lý" not in text
    assert "Đã tiếp nhận" not in text
    assert "Quá trình xử lý" in vietnamese.content.decode()
    assert "Đã tiếp nhận" in vietnamese.content.decode()


def test_tracking_page_unknown_code_message_follows_the_language(db):
    english = Client().get("/tra-cuu/", {"ma": UNKNOWN_CODE}, HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = Client().get("/tra-cuu/", {"ma": UNKNOWN_CODE})

    assert english.status_code == vietnamese.status_code == 404
    assert f"No dossier with the code “{UNKNOWN_CODE}” was found." in english.content.decode()
    assert f"Không tìm thấy hồ sơ có mã “{UNKNOWN_CODE}”" in vietnamese.content.decode()


# -- API errors ----------------------------------------------------------------------------------------
def test_refused_action_409_detail_is_english_on_request_and_vietnamese_by_default(world):
    dossier = world.online_dossier()
    url = action_url(dossier.code, "resolve")

    english = client_for(world.counter).post(url, {"result": "approved"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client_for(world.counter).post(url, {"result": "approved"}, format="json")

    assert english.status_code == vietnamese.status_code == 409
    assert english.json()["code"] == vietnamese.json()["code"] == "transition_not_allowed"
    detail = english.json()["detail"]
    assert detail.startswith("Cannot “")
    assert "Newly registered (awaiting receipt)" in detail
    assert "Allowed actions:" in detail
    assert "Mới đăng ký" in vietnamese.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_unknown_dossier_404_detail_follows_the_language(world):
    english = client_for(world.counter).get(f"/api/v1/dossiers/{UNKNOWN_CODE}/", HTTP_ACCEPT_LANGUAGE="en")
    cookie = client_for(world.counter)
    cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    by_cookie = cookie.get(f"/api/v1/dossiers/{UNKNOWN_CODE}/")
    vietnamese = client_for(world.counter).get(f"/api/v1/dossiers/{UNKNOWN_CODE}/")

    assert english.status_code == by_cookie.status_code == vietnamese.status_code == 404
    assert english.json()["detail"] == f"Dossier {UNKNOWN_CODE} not found."
    assert by_cookie.json()["detail"] == f"Dossier {UNKNOWN_CODE} not found."
    assert vietnamese.json()["detail"] == f"Không tìm thấy hồ sơ {UNKNOWN_CODE}."


def test_the_framework_s_field_errors_are_vietnamese_by_default_and_english_on_request(world):
    dossier = world.dossier_in("processing")
    url = action_url(dossier.code, "pause")
    body = {"reason": "verification", "expected_version": -1, "note": ["not", "text"]}

    vietnamese = client_for(world.counter).post(url, body, format="json")
    english = client_for(world.counter).post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert vietnamese.status_code == english.status_code == 400
    assert vietnamese.json()["errors"] == {
        "expected_version": ["Giá trị phải lớn hơn hoặc bằng 0."],
        "note": ["Phải là một chuỗi ký tự."],
    }
    assert english.json()["errors"] == {
        "expected_version": ["Ensure this value is greater than or equal to 0."],
        "note": ["Not a valid string."],
    }
    dossier.refresh_from_db()
    assert dossier.status == "processing"


def test_public_tracking_api_labels_follow_the_language(world):
    dossier = world.counter_dossier()

    english = client_for().get(f"/api/v1/track/{dossier.code}/", HTTP_ACCEPT_LANGUAGE="en").json()
    vietnamese = client_for().get(f"/api/v1/track/{dossier.code}/").json()

    assert english["status"] == vietnamese["status"] == "received"
    assert english["status_label"] == "Received"
    assert vietnamese["status_label"] == "Đã tiếp nhận"
    assert english["timeline"][0]["label"] == "Receive"


# -- the catalogue -------------------------------------------------------------------------------------
def placeholders(text: str) -> Counter:
    return Counter(PERCENT.findall(text)) + Counter(BRACES.findall(text))


def catalogue(folder: Path = CATALOGUE, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(folder / f"{domain}.po"))


def test_catalogue_has_no_untranslated_fuzzy_or_obsolete_entries():
    po = catalogue()
    entries = [e for e in po if not e.obsolete]

    assert len(entries) > 500
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "en"
    for entry in entries:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        assert all(t.strip() for t in translations), entry.msgid


@pytest.mark.parametrize("folder", [CATALOGUE, VIETNAMESE], ids=["en", "vi"])
def test_every_translation_keeps_the_placeholders_of_its_source(folder):
    mismatched = []
    for entry in catalogue(folder):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural if n else entry.msgid, text) for n, text in entry.msgstr_plural.items()]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if placeholders(source) != placeholders(text):
                mismatched.append((source, text))
        if "python-format" in entry.flags:
            assert PERCENT.search(entry.msgid), entry.msgid

    assert mismatched == []


@pytest.mark.parametrize("folder", [CATALOGUE, VIETNAMESE], ids=["en", "vi"])
def test_compiled_catalogue_matches_the_po_file(folder):
    """The committed .mo is what Django loads; it must carry every translation of the .po."""
    mo = {(e.msgctxt, e.msgid, e.msgid_plural): e for e in polib.mofile(str(folder / "django.mo"))}
    stale = []
    for entry in catalogue(folder):
        if entry.obsolete:
            continue
        compiled = mo.get((entry.msgctxt, entry.msgid, entry.msgid_plural))
        if compiled is None:
            stale.append(entry.msgid)
        elif entry.msgid_plural:
            if {int(k): v for k, v in compiled.msgstr_plural.items()} != dict(entry.msgstr_plural):
                stale.append(entry.msgid)
        elif compiled.msgstr != entry.msgstr:
            stale.append(entry.msgid)

    assert stale == []


def test_every_message_of_the_framework_has_vietnamese():
    """A message the framework ships without Vietnamese is translated here (a new version may add some)."""
    english = {e.msgid for e in polib.mofile(str(FRAMEWORK / "en" / "LC_MESSAGES" / "django.mo")) if e.msgid}
    theirs = {e.msgid for e in polib.mofile(str(FRAMEWORK / "vi" / "LC_MESSAGES" / "django.mo")) if e.msgstr}
    translated = [e for e in catalogue(VIETNAMESE) if e.msgstr or any(e.msgstr_plural.values())]
    ours = {e.msgid for e in translated} | {e.msgid_plural for e in translated if e.msgid_plural}

    assert sorted(english - theirs - ours) == []


DJANGO = Path(django.__file__).parent


def translated(entries) -> set[str]:
    return {e.msgid for e in entries if e.msgstr or any(e.msgstr_plural.values())}


SHOWN_IN_THE_ADMIN = [
    ("contrib/admin", "django"),
    ("contrib/admin", "djangojs"),
    ("contrib/auth", "django"),
    ("contrib/sessions", "django"),
    ("contrib/contenttypes", "django"),
]


@pytest.mark.parametrize(("app", "domain"), SHOWN_IN_THE_ADMIN, ids=["/".join(x) for x in SHOWN_IN_THE_ADMIN])
def test_every_message_of_the_admin_has_vietnamese(app, domain):
    """The admin, sign-in and its calendar widget leave no English in the Vietnamese interface: what Django's
    Vietnamese catalogue lacks is translated here."""
    english = {e.msgid for e in polib.pofile(str(DJANGO / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"))}
    theirs = translated(polib.mofile(str(DJANGO / app / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.mo")))
    ours = translated(catalogue(VIETNAMESE, domain))

    assert sorted(english - theirs - ours - {""}) == []


def test_form_and_validation_messages_have_vietnamese():
    """Django's own messages (forms, validators, pagination), apart from language names and its welcome page."""
    english = polib.pofile(str(DJANGO / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    theirs = translated(polib.mofile(str(DJANGO / "conf" / "locale" / "vi" / "LC_MESSAGES" / "django.mo")))
    ours = translated(catalogue(VIETNAMESE))
    # Language names (never shown: the switcher names each language in itself), Django's welcome page, its CSRF
    # failure page (the site's 403_csrf.html replaces it) and two names that are the same in Vietnamese.
    developer_only = ("conf/global_settings.py", "views/templates/default_urlconf.html", "views/csrf.py")
    shown = {
        e.msgid
        for e in english
        if e.msgid
        and e.msgid not in ("IPv4", "IPv6")
        and not all(path.endswith(developer_only) for path, _line in e.occurrences)
    }

    assert sorted(shown - theirs - ours) == []


def test_admin_pages_have_no_english_left(client, world):
    client.force_login(world.admin)

    page = client.post("/admin/workflows/calendarday/add/", {"date": "", "kind": "x"}).content.decode()

    assert "<title>Lỗi: " in page
    assert "Error:" not in page and "Skip to main content" not in page and "Toggle theme" not in page
