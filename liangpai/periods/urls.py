from django.urls import path

from liangpai.periods import views

app_name = "periods"
urlpatterns = [
    path("<int:pk>/override/", views.light_override, name="light_override"),
]
