app_name = "inquiries_public"

urlpatterns: list = []
