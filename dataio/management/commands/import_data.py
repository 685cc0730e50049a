"""python manage.py import_data ENTITY FILE [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from dataio.engine import STATUS_LABELS
from dataio.entities import ENTITIES, get_resource
from dataio.services import run_import, system_user


class Command(BaseCommand):
    help = "Nhập một tệp xlsx/xls/csv: kiểm tra mọi dòng rồi ghi tất cả hoặc không ghi gì."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity", choices=sorted(ENTITIES))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")
        parser.add_argument("--user", help="Nhập với quyền và phạm vi của người dùng này.")
        parser.add_argument(
            "--rows", action="store_true", help="In kết quả từng dòng (mới/cập nhật/không đổi)."
        )

    def handle(
        self, *args, entity: str, file: Path, dry_run: bool, user: str | None, rows: bool, **options
    ) -> None:
        if not file.is_file():
            raise CommandError(f"Không thấy tệp {file}.")
        if user:
            try:
                importer = User.objects.get(username=user)
            except User.DoesNotExist:
                raise CommandError(f"Không có người dùng '{user}'.") from None
        else:
            importer = system_user()
        with file.open("rb") as data:
            try:
                outcome = run_import(get_resource(entity), data, file.name, importer, dry_run=dry_run)
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
        plan = outcome.plan
        if plan is not None:
            for issue in plan.errors:
                self.stdout.write(f"Dòng {issue.row}, cột '{issue.column}': {issue.message}")
            if rows:
                for result in plan.results:
                    self.stdout.write(f"Dòng {result.row}: {STATUS_LABELS[result.status]} {result.label}")
        prefix = "[Chạy thử] " if dry_run else ""
        if not outcome.ok:
            raise CommandError(prefix + outcome.message)
        self.stdout.write(self.style.SUCCESS(prefix + outcome.message))
