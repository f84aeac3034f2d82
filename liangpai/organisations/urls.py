from django.urls import path

from liangpai.organisations import views

app_name = "organisations"
urlpatterns = [
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("groups/<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("groups/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("groups/<int:pk>/members/<int:member_pk>/leader/", views.member_set_leader, name="member_set_leader"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("bodies/", views.body_list, name="bodies"),
]
