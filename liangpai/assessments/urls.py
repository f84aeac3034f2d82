from django.urls import path

from liangpai.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("start/", views.assessment_start, name="start"),
    path("export.xlsx", views.assessment_export, name="export"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="edit"),
    path("<int:pk>/move/", views.assessment_move, name="move"),
    path("<int:pk>/photos/<int:photo>/", views.evidence_photo, name="photo"),
    path("<int:pk>/answers/<int:answer>/photos/", views.add_photos, name="add_photos"),
]
