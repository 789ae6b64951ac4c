app_name = "rights"

urlpatterns = []
