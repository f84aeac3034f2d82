from django.urls import path

from liangpai.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.town_list, name="towns"),
    path("<int:pk>/", views.town_detail, name="town_detail"),
    path("<int:town_pk>/districts/new/", views.district_create, name="district_create"),
    path("districts/<int:pk>/edit/", views.district_edit, name="district_edit"),
]
