app_name = "patient"
urlpatterns: list = []
