"""`manage.py reconcile_portal`: compare the portal's store with ours for a period; re-send what it lacks."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from portal import conf
from portal.services import reconcile


def _instant(value: str) -> dt.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"Không hiểu thời điểm “{value}” (dùng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM).")
        parsed = dt.datetime.combine(day, dt.time.min)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Đối soát hồ sơ với Cổng DVC quốc gia trong một khoảng thời gian và gửi lại phần còn thiếu."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="từ thời điểm (mặc định: lùi lại --hours giờ)")
        parser.add_argument("--until", help="đến thời điểm (mặc định: bây giờ)")
        parser.add_argument("--hours", type=float, default=conf.RECONCILE_WINDOW_HOURS)

    def handle(self, *args, **options):
        until = _instant(options["until"]) if options["until"] else timezone.now()
        since = _instant(options["since"]) if options["since"] else until - dt.timedelta(hours=options["hours"])
        if since >= until:
            raise CommandError("Thời điểm bắt đầu phải trước thời điểm kết thúc.")
        run = reconcile(since=since, until=until)
        if run.error:
            raise CommandError(f"Không đối soát được với Cổng quốc gia: {run.error}")
        self.stdout.write(
            f"Đã đối soát {run.dossiers_checked} hồ sơ, {run.dossiers_differing} hồ sơ lệch, "
            f"gửi lại {run.messages_resent} thông điệp."
        )
