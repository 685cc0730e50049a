from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from accounts.models import User
from audit.services import record_missing_creations
from registry.demo import DEMO_USERS

# Each app's demo module, in dependency order; every loader is idempotent.
DEMO_MODULES = ["registry.demo", "certification.demo", "movement.demo"]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (tỉnh Khánh Hòa) và người dùng mẫu, một lần; chạy lại không đổi gì."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--again",
            action="store_true",
            help="Nạp lại cả khi đã có dữ liệu mẫu (thêm lại những dòng mẫu đã bị xóa, không tạo trùng).",
        )

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Không nạp dữ liệu mẫu khi DJANGO_ENV=production.")
        # The demo users are written last, in the same transaction: their presence means a
        # complete earlier load. Loading again would bring back demo rows a user deleted, and
        # after a move to the 2025 shape it would plan against units that no longer exist.
        if not options["again"] and User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).exists():
            self.stdout.write("Dữ liệu mẫu đã có: giữ nguyên (nạp lại bằng --again).")
            return
        with transaction.atomic():
            for name in DEMO_MODULES:
                for line in import_module(name).load():
                    self.stdout.write(line)
                # Fresh tables have no statistics yet; the next loader's queries need them.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            # The loaders bulk-create without signals: give every demo row its creation entry, so
            # its first edit shows what it was before.
            created = record_missing_creations(reason="Dữ liệu mẫu")
            self.stdout.write(f"Lịch sử: {created} dòng tạo mới cho dữ liệu mẫu.")
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng."))
