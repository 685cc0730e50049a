app_name = "certification"

urlpatterns: list = []
