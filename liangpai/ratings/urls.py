from django.urls import path

from liangpai.ratings import views

app_name = "ratings"
urlpatterns = [
    path("lights/<int:pk>/override/", views.light_override, name="light_override"),
    path("interviews/", views.interview_list, name="interviews"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/record/", views.interview_record, name="interview_record"),
    path("interviews/<int:pk>/cancel/", views.interview_cancel, name="interview_cancel"),
    path("interviews/<int:pk>/scan/", views.interview_scan, name="interview_scan"),
]
