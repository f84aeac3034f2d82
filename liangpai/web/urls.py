from django.urls import path

from liangpai.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("regions/", views.town_list, name="town_list"),
    path("regions/<int:pk>/", views.town_detail, name="town_detail"),
]
