from django import forms
from django.utils.translation import gettext_lazy as _

TOKEN_FORMAT_ERROR = _("请输入身份验证器上显示的 6 位数字。")


class TokenForm(forms.Form):
    """A 6-digit code from an authenticator app; spaces (as some apps show it) are ignored."""

    token = forms.CharField(
        label=_("6 位验证码"),
        max_length=20,
        error_messages={"required": TOKEN_FORMAT_ERROR, "max_length": TOKEN_FORMAT_ERROR},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "aria-describedby": "token-help",
                "class": "form-control form-control-lg text-center",
            }
        ),
    )

    def clean_token(self) -> str:
        token: str = "".join(self.cleaned_data["token"].split())
        if len(token) != 6 or not token.isascii() or not token.isdigit():
            raise forms.ValidationError(TOKEN_FORMAT_ERROR, code="format")
        return token
