"""Dossier codes (DOMAIN §3, Art. 12 of 003): `<agency identifier>-<yymmdd>-<4-digit daily sequence>`,
per receiving agency and local day, never changed afterwards."""

import datetime as dt
import re

from dossiers import services
from dossiers.models import Dossier
from tests.factories import at, complete_documents


def test_the_code_is_the_agency_the_local_date_and_a_four_digit_sequence(world):
    dossier = world.counter_dossier(when=at(2025, 8, 12, 9))
    assert dossier.code == "000.00.12.H52-250812-0001"
    assert re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H52-\d{6}-\d{4}", dossier.code)


def test_the_sequence_counts_per_agency_and_day(world):
    codes = [world.counter_dossier(when=at(2025, 8, 12, 9 + i)).code for i in range(3)]
    assert codes == [f"000.00.12.H52-250812-{n:04d}" for n in (1, 2, 3)]
    online = world.online_dossier(when=at(2025, 8, 12, 15))
    assert online.code == "000.00.12.H52-250812-0004"
    at_the_centre = services.create_dossier(
        actor=world.centre_counter,
        procedure=world.procedure,
        channel="counter",
        receiving_agency=world.centre,
        competent_agency=world.agency,
        applicant_name="Lò Văn Bình",
        documents=complete_documents(world.procedure),
        at=at(2025, 8, 12, 10),
    )
    assert at_the_centre.code == "000.00.31.H52-250812-0001"


def test_the_sequence_starts_again_the_next_day(world):
    world.counter_dossier(when=at(2025, 8, 12, 9))
    world.counter_dossier(when=at(2025, 8, 12, 10))
    assert world.counter_dossier(when=at(2025, 8, 13, 8)).code == "000.00.12.H52-250813-0001"
    assert world.counter_dossier(when=at(2025, 8, 12, 16)).code == "000.00.12.H52-250812-0003"


def test_the_day_is_the_local_date_not_utc(world):
    # 23:30 in Hanoi is 16:30 UTC the same day; 00:30 in Hanoi is still the previous day in UTC.
    late_evening = world.online_dossier(when=at(2025, 8, 12, 23, 30))
    after_midnight = world.online_dossier(when=at(2025, 8, 13, 0, 30))
    assert after_midnight.created_at.astimezone(dt.UTC).date() == dt.date(2025, 8, 12)
    assert late_evening.code == "000.00.12.H52-250812-0001"
    assert after_midnight.code == "000.00.12.H52-250813-0001"


def test_the_code_is_issued_once_for_an_online_dossier(world):
    dossier = world.online_dossier(when=at(2025, 8, 12, 20))
    services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 14, 9))
    dossier.refresh_from_db()
    assert dossier.code == "000.00.12.H52-250812-0001"
    assert Dossier.objects.filter(code__contains="-250814-").count() == 0
