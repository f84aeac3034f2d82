"""The public pages: an enterprise's plaque and lights (the plaque's QR code points here) and a lookup.

Anyone may read them, signed in or not. They show only the enterprise's name, town and
credit code and its published results (`publicsite.selectors`); an unknown or mistyped
code gets a friendly 404 page with the lookup form, never a server error.
"""

import unicodedata

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liangpai.core.access import public
from liangpai.enterprises.validators import credit_code_message
from liangpai.lights.models import LightChoice
from liangpai.lights.wording import quarter_name
from liangpai.publicsite import selectors

#: Enterprises per page of lookup results (a phone screen or two).
SEARCH_PAGE_SIZE = 20
#: Longer lookups are cut: no name or code is this long.
MAX_QUERY_LENGTH = 100


def _clean_query(raw: str) -> str:
    """What was typed, without control characters (a NUL is refused by PostgreSQL), at most MAX_QUERY_LENGTH."""
    text = "".join(ch for ch in raw[: MAX_QUERY_LENGTH * 2] if unicodedata.category(ch) not in {"Cc", "Cs"})
    return text.strip()[:MAX_QUERY_LENGTH]


@public
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = _clean_query(request.GET.get("q", ""))
    page = None
    if q:
        found = selectors.find_by_credit_code(q).enterprise
        if found is not None:  # a whole, known code: straight to its page
            return redirect("publicsite:enterprise", credit_code=found.credit_code)
        page = Paginator(selectors.search_enterprises(q), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publicsite/search.html", {"q": q, "page": page})


@public
@require_GET
def enterprise(request: HttpRequest, credit_code: str) -> HttpResponse:
    lookup = selectors.find_by_credit_code(credit_code)
    if lookup.enterprise is None:
        if lookup.error is not None:
            problem = _("这不是有效的统一社会信用代码：%(reason)s") % {"reason": credit_code_message(lookup.error)}
        else:
            problem = _("没有统一社会信用代码为“%(code)s”的企业。") % {"code": lookup.code}
        return render(request, "publicsite/not_found.html", {"problem": problem}, status=404)
    if credit_code != lookup.code:  # typed in lower case or with dashes: the one address of the page
        return redirect("publicsite:enterprise", credit_code=lookup.code)
    status = selectors.public_status(lookup.enterprise, year=timezone.localdate().year)
    quarters = [
        {
            "name": quarter_name(result.quarter.number),
            "light": result.light or "unpublished",
            "label": LightChoice(result.light).label if result.light else _("未公布"),
        }
        for result in status.quarters
    ]
    return render(request, "publicsite/enterprise.html", {"status": status, "quarters": quarters})
