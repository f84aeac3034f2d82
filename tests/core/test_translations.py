"""The English translation: a complete catalogue, every template string in it, pages free of
Chinese when English is chosen (apart from the users' own data), and the footer switch.

Chinese is the source language: msgids are the Chinese texts, locale/en holds the English.
"""

import fcntl
import html
import io
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import setting_changed
from django.db import models
from django.test import Client
from django.urls import reverse

from liangpai.accounts.models import User
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise, Industry
from liangpai.organisations.models import Body, Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import City, District, Town
from tests.conftest import Cast

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATES = Path(settings.BASE_DIR) / "templates"

#: Chinese characters, CJK punctuation (、。“” excluded: those are general punctuation) and full-width forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
#: %(name)s, %s, %d … and {name} placeholders.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdfr]|%[sdfr]|\{[A-Za-z_][A-Za-z0-9_]*\}")

#: The name of each language in the footer switch is written in that language, so an
#: English page still offers "简体中文" (and a Chinese page "English").
LANGUAGE_NAMES = [name for _code, name in settings.LANGUAGES]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogue() -> None:
    """Build the .mo from the committed .po, so the suite does not depend on a setup step.

    Test workers run in parallel: one compiles while the others wait, then find it fresh.
    """
    lock_path = Path(tempfile.gettempdir()) / "liangpai-compile-translations.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("compile_translations", stdout=io.StringIO())
    # A catalogue read before it was (re)compiled must not stay cached in this process.
    setting_changed.send(sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True)


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE))


# --- (a) the catalogue is complete and faithful -----------------------------------------


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: one for a plain entry, one per form for a plural entry."""
    if entry.msgid_plural:
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid}"


def test_catalogue_is_for_english_and_not_fuzzy(catalogue: polib.POFile) -> None:
    assert catalogue.metadata["Language"] == "en"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not catalogue.metadata_is_fuzzy
    assert len(catalogue) > 300


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue: polib.POFile) -> None:
    untranslated = [_label(e) for e in catalogue.untranslated_entries()]
    fuzzy = [_label(e) for e in catalogue.fuzzy_entries()]
    obsolete = [_label(e) for e in catalogue.obsolete_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []
    for entry in catalogue:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], _label(entry)
        for _source, text in _translations(entry):
            assert text.strip(), _label(entry)


def test_translations_keep_the_placeholders(catalogue: polib.POFile) -> None:
    wrong = [
        (_label(entry), text)
        for entry in catalogue
        for source, text in _translations(entry)
        if _placeholders(source) != _placeholders(text)
    ]
    assert wrong == []


def test_translations_are_english(catalogue: polib.POFile) -> None:
    """No entry is a copy of the Chinese; Chinese left in a translation is only a literal
    taken from the source (a value the user must type into a spreadsheet, such as “规上”)."""
    copied, stray = [], []
    for entry in catalogue:
        for source, text in _translations(entry):
            if CJK.search(source) and text == source:
                copied.append(_label(entry))
            stray += [(_label(entry), run) for run in CJK.findall(text) if run not in source]
    assert copied == []
    assert stray == []


# --- (b) every string of every template is in the catalogue -----------------------------

_TRANSLATE_TAG = re.compile(r"{%\s*(?:translate|trans)\s+(\"[^\"]*\"|'[^']*')(.*?)%}", re.S)
_BLOCK_TAG = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b(.*?)%}(.*?){%\s*(?:endblocktranslate|endblocktrans)\s*%}", re.S
)
_CONTEXT = re.compile(r"\bcontext\s+(\"[^\"]*\"|'[^']*')")
_VARIABLE = re.compile(r"{{\s*([A-Za-z_][A-Za-z0-9_]*)\s*}}")
_PLURAL = re.compile(r"{%\s*plural\s*%}")


def _context_of(options: str) -> str | None:
    found = _CONTEXT.search(options)
    return found.group(1)[1:-1] if found else None


def _block_message(body: str, trimmed: bool) -> str:
    """The msgid Django's blocktranslate looks up: {{ x }} becomes %(x)s and % is doubled."""
    text = _VARIABLE.sub(lambda m: "\0" + m.group(1) + "\0", body).replace("%", "%%")
    text = re.sub("\0([^\0]*)\0", r"%(\1)s", text)
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text


def template_messages() -> Iterator[tuple[str, str | None, str, str | None]]:
    """(template, context, msgid, msgid_plural) for every literal translated in templates/."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        source = path.read_text(encoding="utf-8")
        for literal, options in _TRANSLATE_TAG.findall(source):
            if "noop" in options.split():
                continue
            yield name, _context_of(options), literal[1:-1], None
        for options, body in _BLOCK_TAG.findall(source):
            trimmed = "trimmed" in options.split()
            parts = _PLURAL.split(body, maxsplit=1)
            singular = parts[0]
            plural = parts[1] if len(parts) > 1 else None
            yield (
                name,
                _context_of(options),
                _block_message(singular, trimmed),
                _block_message(plural, trimmed) if plural is not None else None,
            )


def test_templates_are_found() -> None:
    messages = list(template_messages())
    assert len(messages) > 150
    assert ("base.html", None, "亮牌", None) in messages
    assert ("core/pagination.html", "first page", "首页", None) in messages


def test_every_template_string_is_in_the_catalogue(catalogue: polib.POFile) -> None:
    """A string added to a template without running makemessages (and translating it) fails here."""
    known = {(e.msgctxt, e.msgid): e for e in catalogue}
    missing = []
    for template, context, msgid, plural in template_messages():
        entry = known.get((context, msgid))
        if entry is None or (plural is not None and entry.msgid_plural != plural):
            missing.append(f"{template}: {context + ' | ' if context else ''}{msgid}")
    assert missing == []


# --- (c), (d) the pages in English and in Chinese ---------------------------------------


@pytest.fixture
def town_union_body(cast: Cast) -> Body:
    return Body.objects.create(kind=Body.Kind.TOWN_UNION, town=cast.town_a, name="甲镇总工会", head="钱主席")


#: The pages of the organisation and the lists, as the city admin sees them.
PAGES = {
    "home": lambda cast: reverse("home"),
    "enterprise list": lambda cast: reverse("enterprises:list"),
    "enterprise list, nothing found": lambda cast: reverse("enterprises:list") + "?q=no-such-enterprise",
    "enterprise detail": lambda cast: reverse("enterprise_detail", args=[cast.enterprise_a.pk]),
    "enterprise form": lambda cast: reverse("enterprises:edit", args=[cast.enterprise_a.pk]),
    "town list": lambda cast: reverse("town_list"),
    "town detail": lambda cast: reverse("town_detail", args=[cast.town_a.pk]),
    "group list": lambda cast: reverse("organisations:groups"),
    "group detail": lambda cast: reverse("organisations:group_detail", args=[cast.group_a.pk]),
    "group form": lambda cast: reverse("organisations:group_edit", args=[cast.group_a.pk]),
    "expert list": lambda cast: reverse("organisations:experts"),
    "expert form": lambda cast: reverse("organisations:expert_create"),
    "bodies": lambda cast: reverse("organisations:bodies"),
    "audit log": lambda cast: reverse("audit"),
}

#: A Chinese text each page shows in the default language.
CHINESE_MARKERS = {
    "home": "您的角色：",
    "enterprise list": "登记企业",
    "enterprise list, nothing found": "没有符合条件的企业",
    "enterprise detail": "基本信息",
    "enterprise form": "修改“",
    "town list": "在用代表小组",
    "town detail": "设立代表小组",
    "group list": "工会代表小组",
    "group detail": "组长与成员",
    "group form": "修改代表小组",
    "expert list": "行业专家",
    "expert form": "登记专家",
    "bodies": "工会与应急机构",
    "audit log": "审计记录",
}

#: Its English counterpart.
ENGLISH_MARKERS = {
    "home": "Your roles:",
    "enterprise list": "Register an enterprise",
    "enterprise list, nothing found": "No enterprises match",
    "enterprise detail": "Basic information",
    "enterprise form": "Edit “",
    "town list": "Active groups",
    "town detail": "Set up a representative group",
    "group list": "Representative groups",
    "group detail": "Leader and members",
    "group form": "Edit representative group",
    "expert list": "Industry experts",
    "expert form": "Register an expert",
    "bodies": "Unions and emergency offices",
    "audit log": "Audit log",
}


def _user_data() -> list[str]:
    """Every text users entered (names, addresses …) and the descriptions built from them,
    longest first, so a page can be checked with the data taken out."""
    texts: set[str] = set(LANGUAGE_NAMES)
    for model in (City, Town, District, Industry, RepresentativeGroup, GroupMember, Expert, Body, Enterprise, User):
        text_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and f.concrete
        ]
        for obj in model.objects.all():
            texts.add(str(obj))
            texts.update(str(getattr(obj, name)) for name in text_fields)
    texts.update(f"{i.code} {i.name}" for i in Industry.objects.all())
    return sorted((t for t in texts if CJK.search(t)), key=len, reverse=True)


def _without_data(page: str, data: list[str]) -> str:
    text = html.unescape(page)
    for value in data:
        text = text.replace(value, "")
    return text


def _chinese_left(page: str, data: list[str]) -> list[str]:
    text = _without_data(page, data)
    return [text[max(0, m.start() - 60) : m.end() + 20] for m in CJK.finditer(text)]


def _english_client(cast: Cast, user: str = "city_admin") -> Client:
    client = cast.client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_login_page_in_english(db: None) -> None:
    client = Client(headers={"accept-language": "en"})
    response = client.get(reverse("login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "Sign in to Liangpai" in page
    assert _chinese_left(page, LANGUAGE_NAMES) == []


def test_login_page_in_chinese_by_default(db: None) -> None:
    response = Client().get(reverse("login"))
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert "登录亮牌系统" in page
    assert "Sign in" not in page


def test_a_wrong_password_is_explained_in_english(db: None) -> None:
    client = Client(headers={"accept-language": "en"})
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong-password-1"})
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert _chinese_left(page, LANGUAGE_NAMES) == []


@pytest.mark.usefixtures("town_union_body")
@pytest.mark.parametrize("page_name", list(PAGES))
def test_pages_in_english_show_no_chinese_besides_user_data(cast: Cast, page_name: str) -> None:
    response = _english_client(cast).get(PAGES[page_name](cast))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert ENGLISH_MARKERS[page_name] in page
    assert _chinese_left(page, _user_data()) == []


@pytest.mark.usefixtures("town_union_body")
@pytest.mark.parametrize("page_name", list(PAGES))
def test_pages_are_chinese_by_default(cast: Cast, page_name: str) -> None:
    response = cast.client_for("city_admin").get(PAGES[page_name](cast))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in page
    assert CHINESE_MARKERS[page_name] in page
    assert ENGLISH_MARKERS[page_name] not in page


def test_english_pages_translate_labels_of_choices_and_roles(cast: Cast, town_union_body: Body) -> None:
    client = _english_client(cast)
    home = client.get(reverse("home")).content.decode()
    assert "City Federation of Trade Unions · Whole city" in home
    towns = client.get(reverse("town_list")).content.decode()
    assert "<td>Town</td>" in towns
    assert "<td>Street</td>" in towns
    bodies = client.get(reverse("organisations:bodies")).content.decode()
    assert "Town/Street Trade Union" in bodies
    enterprises = client.get(reverse("enterprises:list")).content.decode()
    assert "<td>Above-scale</td>" in enterprises
    assert "Operating" in enterprises
    assert "3 enterprises" in enterprises
    one = client.get(reverse("enterprises:list") + f"?q={cast.enterprise_b.credit_code}").content.decode()
    assert "1 enterprise<" in one


def test_accept_language_chooses_english_too(cast: Cast) -> None:
    client = cast.client_for("town_a_union")
    response = client.get(reverse("organisations:groups"), headers={"accept-language": "en"})
    page = response.content.decode()
    assert "Representative groups" in page
    assert _chinese_left(page, _user_data()) == []


def test_messages_after_a_change_are_in_english(cast: Cast) -> None:
    client = _english_client(cast, "town_a_union")
    response = client.post(
        reverse("regions:district_create", args=[cast.town_a.pk]),
        {"name": "East", "sort_order": "1", "reason": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "District “East” added." in page
    assert _chinese_left(page, _user_data()) == []


def test_validation_messages_are_in_english(cast: Cast) -> None:
    client = _english_client(cast, "town_a_union")
    response = client.post(reverse("regions:district_create", args=[cast.town_a.pk]), {"name": "", "sort_order": ""})
    page = response.content.decode()
    assert "Enter the district name." in page
    assert _chinese_left(page, _user_data()) == []


def test_audit_descriptions_stay_in_the_site_language(cast: Cast) -> None:
    """Stored records do not depend on the language of the user who made the change."""
    client = _english_client(cast, "town_a_union")
    client.post(
        reverse("organisations:member_add", args=[cast.group_a.pk]),
        {"name": "Wang", "work_unit": "", "phone": "", "reason": ""},
    )
    event = AuditEvent.objects.filter(object_type="organisations.groupmember").latest("id")
    assert event.object_repr == "Wang（成员）"


# --- the language switch in the footer --------------------------------------------------

_SWITCH_FORM = re.compile(r'<form action="([^"]+)" method="post" class="[^"]*\blang-switch\b[^"]*">(.*?)</form>', re.S)


def _switch_form(page: str) -> tuple[str, dict[str, str]]:
    found = _SWITCH_FORM.search(page)
    assert found, "the footer has the language switch"
    action, body = found.groups()
    fields = {
        name: html.unescape(value) for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body)
    }
    return html.unescape(action), fields


def _switch(client: Client, path: str, language: str) -> Any:
    action, fields = _switch_form(client.get(path).content.decode())
    return client.post(action, {**fields, "language": language})


def test_anonymous_users_switch_on_the_login_page_and_stay_there(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    path = reverse("login") + "?next=/enterprises/%3Fq%3Da%26page%3D2"
    response = _switch(client, path, "en")
    assert response.status_code == 302
    assert response["Location"] == path
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Sign in to Liangpai" in client.get(response["Location"]).content.decode()

    back = _switch(client, path, "zh-hans")
    assert back["Location"] == path
    assert "登录亮牌系统" in client.get(path).content.decode()


def test_signed_in_users_switch_and_keep_the_page_and_its_query(cast: Cast) -> None:
    client = cast.client_for("city_admin")
    client.handler.enforce_csrf_checks = True
    path = reverse("organisations:groups") + f"?town={cast.town_a.pk}&q=%E7%94%B2"
    response = _switch(client, path, "en")
    assert response.status_code == 302
    assert response["Location"] == path
    page = client.get(response["Location"]).content.decode()
    assert "Representative groups" in page
    assert cast.group_a.name in page  # the same filtered page


def test_the_switch_offers_each_language_in_its_own_name(db: None) -> None:
    page = Client(headers={"accept-language": "en"}).get(reverse("login")).content.decode()
    assert '<option value="zh-hans">简体中文</option>' in page
    assert '<option value="en" selected>English</option>' in page


# --- every gettext call in the code has its entry -----------------------------------------

_GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
_PGETTEXT_NAMES = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _code_msgids() -> set[tuple[str | None, str]]:
    import ast

    found: set[tuple[str | None, str]] = set()
    roots = [Path(settings.BASE_DIR) / "liangpai", Path(settings.BASE_DIR) / "config"]
    for path in (p for root in roots for p in root.rglob("*.py") if "migrations" not in p.parts):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if name in _GETTEXT_NAMES and args[0]:
                found.add((None, args[0]))
            elif name in _PGETTEXT_NAMES and len(args) > 1 and args[0] and args[1]:
                found.add((args[0], args[1]))
    return found


def test_every_string_the_code_translates_is_in_the_catalogue(catalogue: polib.POFile) -> None:
    known = {(e.msgctxt, e.msgid) for e in catalogue}
    code = _code_msgids()
    assert len(code) > 100  # the walk really reads the code
    missing = sorted(f"{ctx or ''}|{msgid}" for ctx, msgid in code - known)
    assert missing == []
