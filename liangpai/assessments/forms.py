"""The phone checklist form of an annual assessment, and the small forms around it."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from liangpai.assessments.models import Assessment, AssessmentAnswer
from liangpai.assessments.services import Answer, Changes, Header

VETO_PASS, VETO_FAIL = "pass", "fail"


def points(value: Decimal) -> str:
    """An item's points as the template prints them: 3, 2.5, 10 (never 3.0 or 1E+1)."""
    return format(value.normalize(), "f")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input (a phone offers the camera or the album); the content is checked by the service."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*", "class": "form-control"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(upload, initial) for upload in data if upload]
        return [single(data, initial)] if data else []


@dataclass
class ItemRow:
    """One checklist item in the form: the answer and the prefix of its fields."""

    answer: AssessmentAnswer
    prefix: str


@dataclass
class ItemCard:
    """What the template draws for one item: the answer and its bound fields (None when the item has none)."""

    answer: AssessmentAnswer
    score: forms.BoundField | None
    not_applicable: forms.BoundField | None
    veto: forms.BoundField | None
    note: forms.BoundField
    photos: forms.BoundField
    remove: forms.BoundField | None

    @property
    def fields_with_errors(self) -> list[forms.BoundField]:
        """The fields with errors, each drawn with the id its input's aria-describedby names."""
        fields = (self.score, self.not_applicable, self.veto, self.note, self.photos, self.remove)
        return [bound for bound in fields if bound is not None and bound.errors]

    @property
    def errors(self) -> list[str]:
        return [str(error) for bound in self.fields_with_errors for error in bound.errors]


class ChecklistForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    assessed_on = forms.DateField(
        label=gettext_lazy("评估日期"),
        required=False,
        # A date input takes and gives ISO dates whatever the language; a localised value (2026/11/20)
        # would show as empty and be saved as empty.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )
    assessors = forms.CharField(
        label=gettext_lazy("评估人员"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=gettext_lazy("参加现场评估的人员，如“张三（镇总工会）、李四（应急办）”。"),
    )
    summary = forms.CharField(
        label=gettext_lazy("评估意见"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args: Any, assessment: Assessment, answers: Sequence[AssessmentAnswer], **kwargs: Any) -> None:
        initial = {
            "version": assessment.version,
            "assessed_on": assessment.assessed_on or timezone.localdate(),
            "assessors": assessment.assessors,
            "summary": assessment.summary,
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.rows = [ItemRow(answer, f"a{answer.pk}") for answer in answers]
        for row in self.rows:
            self._add_item_fields(row)

    def _add_item_fields(self, row: ItemRow) -> None:
        answer, item, p = row.answer, row.answer.item, row.prefix
        if item.is_veto:
            self.fields[f"{p}-veto"] = forms.ChoiceField(
                label=gettext_lazy("结论"),
                required=False,
                choices=[
                    ("", gettext_lazy("未填")),
                    (VETO_PASS, gettext_lazy("未发生，符合")),
                    (VETO_FAIL, gettext_lazy("发生，触发否决")),
                ],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial="" if answer.awarded is None else (VETO_FAIL if answer.veto_failed else VETO_PASS),
            )
        else:
            # One message per problem, in the assessor's words (no max_digits: the item's points bound it).
            too_high = gettext("得分不能超过本项分值 %(max)s 分。") % {"max": points(item.max_score)}
            self.fields[f"{p}-score"] = forms.DecimalField(
                label=gettext_lazy("得分"),
                required=False,
                min_value=0,
                max_value=item.max_score,
                decimal_places=1,
                initial=answer.awarded,
                error_messages={
                    "invalid": gettext_lazy("得分请填写数字，如 2 或 2.5。"),
                    "min_value": gettext_lazy("得分不能是负数。"),
                    "max_value": too_high,
                    "max_decimal_places": gettext_lazy("得分最多保留一位小数，如 2.5。"),
                },
                widget=forms.NumberInput(
                    attrs={"class": "form-control score-input", "step": "0.5", "inputmode": "decimal", "min": "0"}
                ),
            )
            self.fields[f"{p}-na"] = forms.BooleanField(
                label=gettext_lazy("不适用"),
                required=False,
                initial=answer.not_applicable,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        self.fields[f"{p}-note"] = forms.CharField(
            label=gettext_lazy("说明"),
            required=False,
            max_length=2000,
            initial=answer.note,
            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        )
        self.fields[f"{p}-photos"] = MultiplePhotoField(label=gettext_lazy("添加照片"))
        photos = list(answer.photos.all())
        if photos:
            self.fields[f"{p}-remove"] = forms.TypedMultipleChoiceField(
                label=gettext_lazy("删除照片"),
                required=False,
                coerce=int,
                choices=[(photo.pk, str(number)) for number, photo in enumerate(photos, 1)],
                widget=forms.CheckboxSelectMultiple,
            )

    def cards(self) -> list[tuple[Any, list[ItemCard]]]:
        """The items grouped by category, in template order."""
        groups: list[tuple[Any, list[ItemCard]]] = []
        for row in self.rows:
            category = row.answer.item.category
            if not groups or groups[-1][0].pk != category.pk:
                groups.append((category, []))
            groups[-1][1].append(
                ItemCard(
                    answer=row.answer,
                    score=self._bound(row, "score"),
                    not_applicable=self._bound(row, "na"),
                    veto=self._bound(row, "veto"),
                    note=self[f"{row.prefix}-note"],
                    photos=self[f"{row.prefix}-photos"],
                    remove=self._bound(row, "remove"),
                )
            )
        return groups

    def cards_with_errors(self) -> list[ItemCard]:
        """The items the assessor must correct, for the list of links above the form (a phone shows one card at a time)."""
        return [card for _category, cards in self.cards() for card in cards if card.errors]

    def _bound(self, row: ItemRow, name: str) -> forms.BoundField | None:
        key = f"{row.prefix}-{name}"
        return self[key] if key in self.fields else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in self.rows:
            p = row.prefix
            if data.get(f"{p}-na") and data.get(f"{p}-score") is not None:
                self.add_error(f"{p}-score", gettext_lazy("已标为不适用就不要再填得分；要评分请取消“不适用”。"))
        return data

    def add_item_errors(self, by_answer: dict[int, list[str]]) -> None:
        """Put a service's per-answer messages on the answer's main field."""
        for row in self.rows:
            for message in by_answer.get(row.answer.pk, []):
                name = f"{row.prefix}-veto" if row.answer.item.is_veto else f"{row.prefix}-score"
                self.add_error(name, message)

    def changes(self) -> Changes:
        data = self.cleaned_data
        answers: dict[int, Answer] = {}
        photos: dict[int, list[Any]] = {}
        removed: set[int] = set()
        for row in self.rows:
            item, p = row.answer.item, row.prefix
            note = data.get(f"{p}-note") or ""
            if item.is_veto:
                verdict = data.get(f"{p}-veto") or ""
                awarded = None if not verdict else (item.max_score if verdict == VETO_PASS else Decimal(0))
                answers[row.answer.pk] = Answer(awarded, False, verdict == VETO_FAIL, note)
            else:
                answers[row.answer.pk] = Answer(data.get(f"{p}-score"), bool(data.get(f"{p}-na")), False, note)
            photos[row.answer.pk] = data.get(f"{p}-photos") or []
            removed.update(data.get(f"{p}-remove") or [])
        header = Header(data.get("assessed_on"), data.get("assessors") or "", data.get("summary") or "")
        return Changes(header, answers, photos, frozenset(removed))


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    move = forms.CharField(widget=forms.HiddenInput, max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("理由或意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class StartForm(forms.Form):
    enterprise = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)


class AssessmentFilterForm(forms.Form):
    NOT_STARTED = "not_started"

    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=2000, max_value=2100)
    town = forms.TypedChoiceField(label=gettext_lazy("镇街"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    q = forms.CharField(label=gettext_lazy("企业名称或信用代码"), required=False, max_length=100)

    def __init__(self, *args: Any, towns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [("", gettext_lazy("全部镇街")), *towns]  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("全部已开始的")),
            *Assessment.Status.choices,
            (self.NOT_STARTED, gettext_lazy("尚未开始")),
        ]
        for name in ("year", "q"):
            self.fields[name].widget.attrs["class"] = "form-control"
        for name in ("town", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "year": data.get("year") or timezone.localdate().year,
            "town": data.get("town"),
            "status": data.get("status") or "",
            "q": (data.get("q") or "").strip(),
        }
