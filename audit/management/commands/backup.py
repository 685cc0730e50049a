from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu (pg_dump, định dạng custom) vào var/backups/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="Đường dẫn tệp (mặc định var/backups/<tên>-<thời gian>.dump)."
        )
        parser.add_argument("--database", help="Tên cơ sở dữ liệu khác với cấu hình (cùng máy chủ).")

    def handle(self, *args, **options) -> None:
        try:
            path = backup(options["output"], database=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu: {path} ({path.stat().st_size:,} byte)"))
