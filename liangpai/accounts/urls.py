from django.contrib.auth import views as auth_views
from django.urls import path

from liangpai.accounts import views
from liangpai.core.access import public, signed_in

urlpatterns = [
    path("login/", public(auth_views.LoginView.as_view(redirect_authenticated_user=True)), name="login"),
    path("logout/", signed_in(auth_views.LogoutView.as_view()), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/enrol/qr.svg", views.otp_qr, name="otp_qr"),
]
