"""`manage.py portal_sim`: run the simulated national portal as its own HTTP process."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from portal import conf
from portal.simulator.server import Faults, PortalSimulator, default_db_path


class Command(BaseCommand):
    help = "Chạy Cổng DVC quốc gia mô phỏng (tiến trình HTTP riêng, CSDL SQLite riêng, có giả lập sự cố)."

    def add_arguments(self, parser):
        url = urlsplit(settings.PORTAL_URL)
        parser.add_argument("--host", default=url.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=url.port or 8090)
        parser.add_argument("--db", default=default_db_path(settings.DATA_DIR), help="SQLite file of the portal")
        parser.add_argument("--fail-rate", type=float, default=0.0, help="share of calls answered 500")
        parser.add_argument("--dup-rate", type=float, default=0.0, help="share applied but answered 502")
        parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every call")
        parser.add_argument("--outage", action="store_true", help="start with the portal down (503)")
        parser.add_argument("--token-ttl", type=float, default=1800, help="session token lifetime, seconds")
        parser.add_argument("--seed", type=int, default=None, help="seed of the fault dice")
        parser.add_argument("--admin-key", default="", help="key required by /admin/* (empty: none)")
        parser.add_argument("--no-signature", action="store_true", help="do not check X-Signature")

    def handle(self, *args, **options):
        logging.getLogger("portal.simulator").setLevel(logging.INFO)
        username, password = conf.credentials()
        sim = PortalSimulator(
            db_path=options["db"],
            host=options["host"],
            port=options["port"],
            username=username,
            password=password,
            secret=None if options["no_signature"] else conf.SIGNING_SECRET,
            admin_key=options["admin_key"],
            token_ttl=options["token_ttl"],
            seed=options["seed"],
            faults=Faults(
                fail_rate=options["fail_rate"],
                dup_rate=options["dup_rate"],
                latency_ms=options["latency_ms"],
                outage=options["outage"],
            ),
        )
        self.stdout.write(f"portal simulator on {sim.url} (store {options['db']}, faults {sim.faults})", ending="\n")
        self.stdout.flush()
        try:
            sim.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sim.httpd.server_close()
