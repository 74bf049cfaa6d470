"""`manage.py import_dossiers FILE`: historical dossiers from CSV or JSON Lines (see reports.importing)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from reports.importing import RowError, count_lines, import_file


class Command(BaseCommand):
    help = "Nhập hồ sơ lịch sử từ tệp CSV (UTF-8, có dòng tiêu đề) hoặc JSON Lines, mỗi dòng một hồ sơ."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--restart", action="store_true", help="Nhập lại từ đầu tệp, bỏ qua tiến độ đã lưu.")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")

    def handle(self, *args, file: Path, batch_size: int, restart: bool, no_progress: bool, **options):
        if not file.is_file():
            raise CommandError(_("Không tìm thấy tệp %s") % file)
        bar = tqdm(total=count_lines(file), unit=" dòng", disable=no_progress, file=sys.stderr, mininterval=0.5)
        position = 0

        def progress(line):
            nonlocal position
            bar.update(line - position)
            position = line

        def error(line, message):
            with tqdm.external_write_mode(file=sys.stderr):
                self.stderr.write(_("Dòng %(line)d: %(message)s") % {"line": line, "message": message})

        try:
            outcomes = import_file(file, batch_size=batch_size, restart=restart, on_error=error, on_progress=progress)
        except RowError as problem:
            raise CommandError(str(problem)) from None
        finally:
            bar.close()
        self.stdout.write(
            _(
                "Đã nhập %(imported)d hồ sơ (%(created)d mới), %(errors)d dòng lỗi, "
                "%(skipped)d dòng đã nhập ở lần trước."
            )
            % {
                "imported": outcomes.imported,
                "created": outcomes.created,
                "errors": len(outcomes.errors),
                "skipped": outcomes.skipped_lines,
            }
        )
