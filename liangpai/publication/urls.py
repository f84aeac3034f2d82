from django.urls import path

from liangpai.publication import views

app_name = "publications"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/approve/", views.publication_approve, name="approve"),
    path("<int:pk>/reject/", views.publication_reject, name="reject"),
]
