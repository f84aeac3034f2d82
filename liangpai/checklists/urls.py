from django.urls import path

from liangpai.checklists import views

app_name = "checklists"
urlpatterns = [
    path("", views.template_list, name="list"),
    path("<int:pk>/", views.template_detail, name="detail"),
    path("<int:pk>/copy/", views.template_copy, name="copy"),
    path("<int:pk>/activate/", views.template_activate, name="activate"),
    path("categories/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
]
