from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from registry.checks import rule_problems
from registry.models import AdministrativeUnit


class Command(BaseCommand):
    help = (
        "Liệt kê các dòng dữ liệu mà quy tắc nhập liệu hiện nay không chấp nhận (thường là dòng lưu "
        "trước khi có quy tắc), để sửa lại. Không thay đổi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", metavar="MÃ", help="Chỉ kiểm tra trong đơn vị hành chính có mã này.")
        parser.add_argument(
            "--limit", type=int, default=50, metavar="N", help="Số dòng liệt kê tối đa mỗi loại dữ liệu (50)."
        )

    def handle(self, *args, **options) -> None:
        unit = None
        if options["unit"]:
            unit = AdministrativeUnit.objects.filter(code=options["unit"]).order_by("-valid_from").first()
            if unit is None:
                raise CommandError(f"Không có đơn vị hành chính mã {options['unit']}.")
        counts: Counter[str] = Counter()
        with translation.override("vi"):
            for problem in rule_problems(unit):
                kind = str(problem.model._meta.verbose_name_plural)
                counts[kind] += 1
                if counts[kind] <= options["limit"]:
                    self.stdout.write(f"{kind} #{problem.pk} “{problem.label}”: {' '.join(problem.messages)}")
        if not counts:
            self.stdout.write(self.style.SUCCESS("Không có dòng nào vi phạm quy tắc nhập liệu."))
            return
        summary = "; ".join(f"{kind}: {count}" for kind, count in sorted(counts.items()))
        self.stdout.write(self.style.WARNING(f"{sum(counts.values())} dòng cần sửa ({summary})."))
