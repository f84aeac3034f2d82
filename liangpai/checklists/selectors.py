"""Reads of assessment templates, with what their pages show already counted."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from liangpai.checklists import validation
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate


def template_list() -> QuerySet[ChecklistTemplate]:
    """Every template, newest year first, with its item count and scored total (one query)."""
    # An aggregating query ignores Meta.ordering: the order is stated.
    return (
        ChecklistTemplate.objects.select_related("based_on")
        .order_by("-year", "scale", "-version")
        .annotate(
            item_count=Count("categories__items"),
            veto_count=Count("categories__items", filter=Q(categories__items__is_veto=True)),
            scored_total=Coalesce(
                Sum("categories__items__max_score", filter=Q(categories__items__is_veto=False)),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=7, decimal_places=1),
            ),
        )
    )


@dataclass(frozen=True)
class CategoryRows:
    category: ChecklistCategory
    items: list[ChecklistItem]

    @property
    def scored_total(self) -> Decimal:
        return validation.scored_total(self.items)

    @property
    def veto_count(self) -> int:
        return sum(1 for item in self.items if item.is_veto)


@dataclass(frozen=True)
class TemplateDetail:
    """A template as its page shows it: categories with their items, totals, and what blocks activation."""

    template: ChecklistTemplate
    categories: list[CategoryRows]

    @property
    def items(self) -> list[ChecklistItem]:
        return [item for rows in self.categories for item in rows.items]

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def veto_count(self) -> int:
        return sum(rows.veto_count for rows in self.categories)

    @property
    def scored_total(self) -> Decimal:
        return validation.scored_total(self.items)

    @property
    def activation_problems(self) -> list[str]:
        if not self.template.is_draft:
            return []
        return validation.activation_problems([(rows.category, rows.items) for rows in self.categories])


def template_detail(template: ChecklistTemplate) -> TemplateDetail:
    """The categories and items of `template`, in order (two queries, however large it is)."""
    categories = template.categories.prefetch_related("items")
    return TemplateDetail(
        template=template, categories=[CategoryRows(category=c, items=list(c.items.all())) for c in categories]
    )


def templates() -> QuerySet[ChecklistTemplate]:
    """Templates with the rows their pages name (the template copied, who made it)."""
    return ChecklistTemplate.objects.select_related("based_on", "created_by")


def active_template_replaced_by(template: ChecklistTemplate) -> ChecklistTemplate | None:
    """The active template that activating `template` would retire, if any."""
    return (
        ChecklistTemplate.objects.filter(
            scale=template.scale, year=template.year, status=ChecklistTemplate.Status.ACTIVE
        )
        .exclude(pk=template.pk)
        .first()
    )
