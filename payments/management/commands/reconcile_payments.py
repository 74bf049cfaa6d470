"""`manage.py reconcile_payments`: ask the platform about pending payments and apply its answers."""

from django.core.management.base import BaseCommand

from payments.services import sweep_payments


class Command(BaseCommand):
    help = "Đối soát các giao dịch thanh toán đang chờ với Nền tảng thanh toán (và thực hiện hoàn trả còn dở)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=float,
            default=60.0,
            help="Only payments created at least this many seconds ago (default 60).",
        )

    def handle(self, *args, min_age, **options):
        counts = sweep_payments(min_age_seconds=min_age)
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "không có giao dịch nào cần đối soát"
        self.stdout.write(summary)
