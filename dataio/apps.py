from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "dataio"
    verbose_name = "Nhập, xuất dữ liệu"
