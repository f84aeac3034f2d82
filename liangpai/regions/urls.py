from django.urls import path

from liangpai.regions import views

app_name = "regions"
urlpatterns = [
    path("<int:town_pk>/districts/new/", views.district_create, name="district_create"),
    path("districts/<int:pk>/edit/", views.district_edit, name="district_edit"),
]
