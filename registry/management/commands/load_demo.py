from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

# Each app's demo module, in dependency order; every loader is idempotent.
DEMO_MODULES = ["registry.demo", "certification.demo", "movement.demo"]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (tỉnh Khánh Hòa) và người dùng mẫu; chạy lại không tạo trùng."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Không nạp dữ liệu mẫu khi DJANGO_ENV=production.")
        with transaction.atomic():
            for name in DEMO_MODULES:
                for line in import_module(name).load():
                    self.stdout.write(line)
                # Fresh tables have no statistics yet; the next loader's queries need them.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng."))
