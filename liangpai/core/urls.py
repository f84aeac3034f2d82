from django.urls import path

from liangpai.core import views

urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("healthz", views.healthz, name="healthz"),
]
