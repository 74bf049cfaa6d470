"""`manage.py payment_sim`: run the simulated national payment platform as its own process."""

import contextlib
import logging
import os

from django.core.management.base import BaseCommand
from django.template.loader import render_to_string

from payments import conf
from payments.platform_sim.server import serve


def render_page(context: dict) -> str:
    return render_to_string("payments/platform_sim/pay.html", context)


class Command(BaseCommand):
    help = "Chạy Nền tảng thanh toán mô phỏng (tiến trình riêng, cổng riêng, lưu trữ SQLite riêng)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PAYMENT_SIM_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PAYMENT_SIM_PORT", "8091")))
        parser.add_argument(
            "--db",
            default=os.environ.get("PAYMENT_SIM_DB", ""),
            help="SQLite file of the simulator (default: <ONESTOP_DATA_DIR>/payment-sim.sqlite3).",
        )
        parser.add_argument(
            "--hold-notifications",
            action="store_true",
            help="Keep notifications in the outbox instead of sending them (tests read /control/outbox).",
        )

    def handle(self, *args, host, port, db, hold_notifications, **options):
        from django.conf import settings

        logging.basicConfig(level=logging.INFO)
        path = db or str(settings.DATA_DIR / "payment-sim.sqlite3")
        self.stdout.write(f"Payment platform simulator on http://{host}:{port}/ (storage {path})", ending="\n")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            serve(
                host=host,
                port=port,
                store_path=path,
                secret=conf.secret(),
                render_page=render_page,
                hold=hold_notifications,
            )
