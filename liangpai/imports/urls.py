from django.urls import path

from liangpai.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/errors.xlsx", views.error_report, name="errors"),
]
