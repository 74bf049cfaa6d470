"""`manage.py verify_history`: walk every dossier's sealed history (dossiers.sealing) and report the first broken
row of each dossier whose history was changed, cut short or filled in afterwards; exits non-zero if any."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from dossiers.verification import Walked, broken_histories


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi niêm phong lịch sử của mọi hồ sơ; in hàng hỏng đầu tiên của từng hồ sơ có lịch sử bị sửa, "
        "xóa hoặc chèn thêm, và kết thúc với mã lỗi nếu có."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="MÃ_HỒ_SƠ", help="only these dossiers (default: all)")
        parser.add_argument("--batch-size", type=int, default=2000, help="dossiers read per query")
        parser.add_argument("--progress", action="store_true", help="print a line per batch")

    def handle(self, *args, codes, batch_size, progress, **options):
        began = time.perf_counter()
        walked = Walked()

        def report(w: Walked) -> None:
            self.stderr.write(f"  {w.dossiers:,} hồ sơ, {w.rows:,} hàng ({time.perf_counter() - began:.0f} s)")

        broken = 0
        for found in broken_histories(
            batch_size=batch_size, codes=codes or None, walked=walked, on_progress=report if progress else None
        ):
            broken += 1
            self.stdout.write(str(found))
        summary = (
            f"{walked.dossiers:,} hồ sơ, {walked.rows:,} hàng lịch sử đã kiểm tra trong "
            f"{time.perf_counter() - began:.1f} s"
        )
        if codes and walked.dossiers < len(set(codes)):
            raise CommandError(f"{summary}; không tìm thấy {len(set(codes)) - walked.dossiers} mã hồ sơ")
        if broken:
            raise CommandError(f"{summary}: lịch sử của {broken:,} hồ sơ không còn nguyên vẹn")
        self.stdout.write(f"{summary}: nguyên vẹn")
