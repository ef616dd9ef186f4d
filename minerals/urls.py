app_name = "minerals"
urlpatterns = []
