"""`python manage.py seed_demo`: load the Sơn La demo catalogue, people and dossiers (idempotent)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from dossiers.models import Dossier, DossierEvent
from seeds.loaders import seed_demo, state_counts
from workflows.models import Agency, Field, Membership, Procedure, ProcessVersion


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu tỉnh Sơn La: cơ quan, lĩnh vực, thủ tục và quy trình nội bộ, tài khoản mẫu và hồ sơ mẫu. "
        "Chạy lại nhiều lần không tạo bản trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-dossiers", action="store_true", help="Không tạo hồ sơ mẫu.")
        parser.add_argument("--quiet", action="store_true", help="Không in tóm tắt và tài khoản đăng nhập.")
        parser.add_argument(
            "--indicators",
            action="store_true",
            help="Thêm số liệu năm 2022 (một phần mười bảng của báo cáo 01/CĐS) và chỉ tiêu các cơ quan tỉnh Lào Cai.",
        )

    def handle(self, *args, no_dossiers=False, quiet=False, indicators=False, **options):
        report = seed_demo(with_dossiers=not no_dossiers, with_indicators=indicators)
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if quiet:
            return
        out = self.stdout
        out.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu tỉnh Sơn La."))
        created = ", ".join(f"{name} {n}" for name, n in sorted(report.created.items()) if n) or "không có"
        out.write(f"Tạo mới lần này: {created}")
        out.write(
            "Tổng số: "
            f"cơ quan {Agency.objects.count()}, lĩnh vực {Field.objects.count()}, thủ tục {Procedure.objects.count()}, "
            f"quy trình {ProcessVersion.objects.count()}, tài khoản {get_user_model().objects.count()}, "
            f"phân quyền {Membership.objects.count()}, token {Token.objects.count()}, "
            f"hồ sơ {Dossier.objects.count()}, lịch sử {DossierEvent.objects.count()}"
        )
        out.write("Hồ sơ theo trạng thái: " + ", ".join(f"{state} {n}" for state, n in state_counts().items()))
        out.write("")
        out.write("Tài khoản mẫu (mật khẩu chỉ đúng với tài khoản do lệnh này tạo):")
        width = max(len(username) for username, *_ in report.logins)
        for username, password, token, roles in report.logins:
            out.write(f"  {username:<{width}}  {password:<13}  token {token}  {roles}")
        out.write("")
        out.write('Gọi API: curl -H "Authorization: Token <token>" http://127.0.0.1:8000/api/v1/...')
