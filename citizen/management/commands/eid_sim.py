"""`manage.py eid_sim`: run the simulated national e-identity and population database as its own process."""

import contextlib
import logging
import os
from pathlib import Path

from django.core.management.base import BaseCommand

from citizen import conf
from citizen.eid_sim.server import Provider, load_key, serve


class Command(BaseCommand):
    help = "Chạy hệ thống định danh điện tử và cơ sở dữ liệu dân cư mô phỏng (tiến trình riêng, cổng riêng)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("EID_SIM_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("EID_PORT", "8092")))
        parser.add_argument(
            "--key", default="", help="The signing key's file (default: <ONESTOP_DATA_DIR>/eid-key.json)."
        )

    def handle(self, *args, host, port, key, **options):
        from django.conf import settings

        logging.basicConfig(level=logging.INFO)
        provider = Provider(
            key=load_key(Path(key) if key else settings.DATA_DIR / "eid-key.json"),
            client_id=conf.client_id(),
            client_secret=conf.client_secret(),
            population_token=conf.population_token(),
        )
        self.stdout.write(f"e-identity simulator on http://{host}:{port}/", ending="\n")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            serve(host=host, port=port, provider=provider)
