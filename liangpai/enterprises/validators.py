"""Django-facing validation built on the pure rules, with messages in the user's language."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liangpai.rules import credit_code
from liangpai.rules.credit_code import CreditCodeError


def credit_code_message(error: CreditCodeError) -> str:
    p = error.params
    match error.code:
        case "empty":
            return _("统一社会信用代码不能为空。")
        case "length":
            return _("统一社会信用代码应为18位，这里是%(length)s位。") % p
        case "character":
            return (
                _(
                    "第%(position)s位“%(char)s”不是统一社会信用代码可用的字符（只用数字和除 I、O、S、V、Z 以外的大写字母）。"
                )
                % p
            )
        case "division":
            return _("第3–8位应为6位数字的行政区划代码，这里是“%(value)s”。") % p
        case _check:
            return (
                _("校验位不符：按前17位计算，第18位应为“%(expected)s”，这里是“%(actual)s”。请核对是否有错抄的字符。")
                % p
            )


def validate_credit_code(value: str) -> None:
    error = credit_code.validate(value)
    if error is not None:
        raise ValidationError(credit_code_message(error), code=f"credit_code_{error.code}")
