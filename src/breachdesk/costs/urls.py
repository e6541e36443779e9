app_name = "costs"

urlpatterns: list = []
