from __future__ import annotations

from pathlib import Path

from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu từ một tệp sao lưu (thay toàn bộ dữ liệu hiện có)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", help="Khôi phục vào cơ sở dữ liệu khác (cùng máy chủ, đã tạo sẵn).")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp sao lưu: {path}")
        if options["interactive"]:
            try:
                answer = input(
                    f"Toàn bộ dữ liệu hiện có sẽ bị thay bằng nội dung của {path}. Gõ 'yes' để tiếp tục: "
                )
            except EOFError:  # run without a terminal (a script, a pipe that closed): nobody said yes
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Đã hủy, không thay đổi gì.")
        try:
            restore(path, database=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["database"]:
            # The data versions make kept pages safe anyway (dashboard.models); this just frees the space.
            caches["dashboard"].clear()
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục từ {path}."))
