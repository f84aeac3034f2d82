from django.urls import path

from liangpai.interviews import views

app_name = "interviews"
urlpatterns = [
    path("", views.interview_list, name="list"),
    path("<int:pk>/", views.interview_detail, name="detail"),
    path("<int:pk>/record/", views.interview_record, name="record"),
    path("<int:pk>/cancel/", views.interview_cancel, name="cancel"),
    path("<int:pk>/scan/", views.interview_scan, name="scan"),
]
