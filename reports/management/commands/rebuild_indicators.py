"""`manage.py rebuild_indicators`: recompute every dossier's fact and the summary tables from raw rows."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from dossiers.models import Dossier
from reports.services import rebuild_summaries, refresh_facts


class Command(BaseCommand):
    help = "Tính lại số liệu từng hồ sơ và các bảng tổng hợp chỉ số từ dữ liệu gốc."

    def add_arguments(self, parser):
        parser.add_argument(
            "--summaries-only", action="store_true", help="Chỉ cộng lại các bảng tổng hợp từ số liệu từng hồ sơ."
        )
        parser.add_argument("--quiet", action="store_true", help="Không hiện thanh tiến độ và tóm tắt.")

    def handle(self, *args, summaries_only=False, quiet=False, **options):
        if not summaries_only:
            with tqdm(total=Dossier.objects.count(), unit=" hồ sơ", disable=quiet, file=sys.stderr) as bar:
                facts = refresh_facts(progress=bar.update)
        rows = rebuild_summaries()
        if not quiet:
            if not summaries_only:
                self.stdout.write(_("Đã tính lại số liệu của %d hồ sơ.") % facts)
            self.stdout.write(_("Bảng tổng hợp: %d dòng.") % rows)
