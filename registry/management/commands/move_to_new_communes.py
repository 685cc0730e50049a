from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.reform import MoveError, mapping_template, move_to_current_communes, read_mapping


class Command(BaseCommand):
    help = (
        "Chuyển khu dân cư, cơ quan, lực lượng, mô hình, hồ sơ đang xét và người dùng cấp xã từ các "
        "xã/phường đã hết hiệu lực sang xã/phường mới (sau khi nạp danh mục đơn vị mới)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "mapping",
            nargs="?",
            type=Path,
            help="CSV hai cột “Mã xã cũ”, “Mã xã mới” cho các xã bị sáp nhập; xã giữ mã không cần dòng.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ báo cáo, không ghi gì.")
        parser.add_argument(
            "--template",
            type=Path,
            metavar="TỆP",
            help="Ghi ra tệp CSV các xã đã hết hiệu lực còn dữ liệu và chưa có xã mới, "
            "để điền cột “Mã xã mới”.",
        )

    def handle(self, *args, **options) -> None:
        path: Path | None = options["mapping"]
        if path is not None and not path.exists():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        try:
            rows = read_mapping(path) if path else []
        except UnicodeDecodeError as exc:
            raise CommandError("Tệp phải là CSV mã hóa UTF-8.") from exc
        if options["template"]:
            template = mapping_template(rows)
            options["template"].write_text(template, encoding="utf-8")
            count = template.count("\n") - 1
            self.stdout.write(f"Đã ghi {options['template']}: {count} xã cần điền mã xã mới.")
            return
        try:
            report = move_to_current_communes(rows, dry_run=options["dry_run"])
        except MoveError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"Không chuyển gì cả: {len(exc.errors)} lỗi.") from exc
        for line in report.lines():
            self.stdout.write(line)
