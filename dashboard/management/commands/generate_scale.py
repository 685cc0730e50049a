from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboard import scale


class Command(BaseCommand):
    help = (
        "Sinh bộ dữ liệu mô phỏng quy mô toàn quốc (các tỉnh 'Mô phỏng', mã tỉnh còn trống từ 99 trở xuống) "
        "để đo tốc độ bảng số liệu. Không đụng tới dữ liệu mẫu."
    )

    def add_arguments(self, parser) -> None:
        defaults = scale.Sizes()
        parser.add_argument("--provinces", type=int, default=defaults.provinces)
        parser.add_argument("--districts", type=int, default=defaults.districts)
        parser.add_argument("--communes", type=int, default=defaults.communes)
        parser.add_argument("--areas", type=int, default=defaults.areas)
        parser.add_argument("--organisations", type=int, default=defaults.organisations)
        parser.add_argument("--models", type=int, default=defaults.models)
        parser.add_argument("--years", type=int, default=defaults.years, help="số năm công nhận")
        parser.add_argument("--last-year", type=int, default=defaults.last_year)
        parser.add_argument("--small", action="store_true", help="bộ nhỏ để chạy thử nhanh")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--flush", action="store_true", help="xóa dữ liệu mô phỏng cũ trước")

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Không sinh dữ liệu mô phỏng khi DJANGO_ENV=production.")
        if options["flush"]:
            scale.flush(log=self.stdout.write)
        elif scale.synthetic_provinces().exists():
            raise CommandError("Đã có dữ liệu mô phỏng; dùng --flush để sinh lại.")
        if options["small"]:
            sizes = scale.Sizes.small()
        else:
            sizes = scale.Sizes(
                **{
                    k: options[k]
                    for k in (
                        "provinces",
                        "districts",
                        "communes",
                        "areas",
                        "organisations",
                        "models",
                        "years",
                    )
                },
                last_year=options["last_year"],
            )
        if not (0 < sizes.provinces <= sizes.districts <= sizes.communes):
            raise CommandError("Cần 0 < số tỉnh ≤ số huyện ≤ số xã.")
        started = time.monotonic()
        try:
            scale.generate(sizes, seed=options["seed"], log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        scale.analyze()
        self.stdout.write(self.style.SUCCESS(f"Xong trong {time.monotonic() - started:.0f} giây."))
