from django.urls import path

from liangpai.publicsite import views

app_name = "publicsite"
urlpatterns = [
    path("e/", views.search, name="search"),
    path("e/<str:credit_code>/", views.enterprise, name="enterprise"),
]
