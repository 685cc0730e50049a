from django.apps import AppConfig


class MovementConfig(AppConfig):
    name = "movement"
    verbose_name = "Kế hoạch, đợt vận động, khen thưởng"
