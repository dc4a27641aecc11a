app_name = "walkin"
urlpatterns: list = []
