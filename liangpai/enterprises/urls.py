from django.urls import path

from liangpai.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("districts/", views.district_options, name="district_options"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
]
