from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.services import UnitImportError, import_admin_units, read_unit_rows


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (CSV: code,name,full_name,kind,level,parent_code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--province", help="Chỉ nạp một tỉnh (mã 2 chữ số), ví dụ 56.")
        parser.add_argument(
            "--valid-from",
            type=datetime.date.fromisoformat,
            help="Ngày bắt đầu hiệu lực của bản đồ hành chính trong tệp (YYYY-MM-DD). "
            "Mặc định: 2025-07-01 cho tệp hai cấp, không đặt cho tệp ba cấp.",
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        try:
            rows = read_unit_rows(path)
        except UnicodeDecodeError as exc:
            raise CommandError("Tệp phải là CSV mã hóa UTF-8.") from exc
        try:
            report = import_admin_units(rows, province=options["province"], valid_from=options["valid_from"])
        except UnitImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"Không nạp gì cả: {len(exc.errors)} lỗi trong tệp.") from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
