"""SECURITY.md T11 (second half): 0 third-party resources on any page.

Every page of the site (tests/security/pages.py, complete by construction) is rendered
for the city admin and for an anonymous visitor — pages the city admin may not open,
for the role that may — and every reference in it is read: src, href, srcset, action,
formaction, poster, data, style attributes, <style> blocks and refresh headers. Then
every stylesheet the pages link and every file in static/css/ is fetched from the app
and its url() and @import references read. A reference may name the app itself
(a path, or this host), a data: URI, or a tel:/mailto: link; anything with another
host or scheme is reported. The CSP forbids loading such resources anyway; this test
makes sure no page depends on one.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.security.pages import NOT_PAGES, PAGES, has_arguments, page_urls, routes

pytestmark = pytest.mark.django_db

HOST = "testserver"
SAFE_SCHEMES = {"data", "tel", "mailto"}
URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "xlink:href", "background", "cite"}

#: Pages the city admin may not open, and who may (the interview record is the emergency offices' work).
OPENED_BY = {
    "ratings/interviews/<int:pk>/record/": "town_a_emergency",
    "ratings/interviews/<int:pk>/cancel/": "town_a_emergency",
}

#: A few pages worth seeing in another state: search results, filtered and paged lists, English.
VARIANTS = [
    ("anonymous", "/e/?q=甲一"),
    ("anonymous", "/e/?q=zzz-nothing"),
    ("city_admin", "/enterprises/?q=甲&page=2"),
    ("city_admin", "/ratings/interviews/?quarter=2026Q3"),
    ("city_admin", "/assessments/?year=2026"),
]

CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>.*?)(?P=q)\s*\)""", re.IGNORECASE | re.DOTALL)
CSS_IMPORT = re.compile(r"""@import\s+(?P<q>['"])(?P<url>[^'"]*)(?P=q)""", re.IGNORECASE)


def foreign(url: str) -> bool:
    """True when `url` points anywhere but this app: another host, or a scheme other than data/tel/mailto."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in SAFE_SCHEMES:
        return False
    if parts.netloc:
        return parts.netloc.lower() != HOST
    return bool(parts.scheme)


class References(HTMLParser):
    """Every URL an HTML document refers to, with where it was found."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.stylesheets: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in URL_ATTRIBUTES:
                self.found.append((f"<{tag} {name}>", value))
            elif name in {"srcset", "imagesrcset"}:
                self.found += [(f"<{tag} {name}>", part.split()[0]) for part in value.split(",") if part.strip()]
            elif name == "style":
                self.found += [(f"<{tag} style>", m["url"]) for m in CSS_URL.finditer(value)]
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = values.get("content", "").partition("=")[2]
            self.found.append(("<meta refresh>", target))
        if tag == "link" and "stylesheet" in values.get("rel", "").lower().split():
            self.stylesheets.append(values.get("href", ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += css_references("<style>", data)


def css_references(where: str, text: str) -> list[tuple[str, str]]:
    return [(f"{where} url()", m["url"]) for m in CSS_URL.finditer(text)] + [
        (f"{where} @import", m["url"]) for m in CSS_IMPORT.finditer(text)
    ]


@pytest.fixture
def serving_static(settings) -> None:
    """WhiteNoise serves the source tree's static files (tests run no collectstatic); clients made after this."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def test_every_route_is_walked_or_said_not_to_be_a_page():
    walked = routes()

    assert sorted(route for route in walked - set(PAGES) - set(NOT_PAGES) if has_arguments(route)) == []
    assert sorted(set(PAGES) - walked) == []
    assert sorted(set(NOT_PAGES) - walked - {"^media/(?P<path>.*)$"}) == []  # media: with DEBUG on only


def test_no_page_refers_to_another_origin(world, serving_static):
    urls = page_urls(world)
    clients = {name: world.client_for(name) for name in {"city_admin", "anonymous", *OPENED_BY.values()}}
    visits = [("anonymous", url) for url in urls.values()]
    visits += [(OPENED_BY.get(route, "city_admin"), url) for route, url in urls.items()]
    visits += VARIANTS

    rendered: set[str] = set()
    offending: list[tuple[str, str, str, str]] = []
    stylesheets: set[str] = set()
    for viewer, url in visits:
        response = clients[viewer].get(url)
        assert response.status_code < 500, (viewer, url)
        if not response["Content-Type"].startswith("text/html") or not response.content:
            continue
        if response.status_code == 200:
            rendered.add(url.partition("?")[0])
        parser = References()
        parser.feed(response.content.decode())
        offending += [(viewer, url, where, ref) for where, ref in parser.found if foreign(ref)]
        stylesheets.update(parser.stylesheets)

    assert offending == []
    # Every listed page was rendered for someone (a walk of login redirects would prove nothing).
    assert sorted({urls[route] for route in PAGES} - rendered) == []
    assert any("/static/vendor/" in href for href in stylesheets)

    own_css = {f"{settings.STATIC_URL}css/{path.name}" for path in Path(settings.BASE_DIR, "static/css").glob("*.css")}
    assert own_css, "static/css/ has no stylesheets"
    client = clients["anonymous"]
    for href in sorted(own_css | {h for h in stylesheets if not foreign(h)}):
        response = client.get(href)
        assert response.status_code == 200, href
        text = b"".join(response.streaming_content).decode()
        offending += [("-", href, where, ref) for where, ref in css_references("css", text) if foreign(ref)]
    assert offending == []


@pytest.mark.parametrize(
    ("url", "verdict"),
    [
        ("/static/css/liangpai.css", False),
        ("e/123/", False),
        ("#main", False),
        ("?page=2", False),
        ("http://testserver/e/", False),
        ("data:image/svg+xml,%3csvg%3e", False),
        ("tel:13800001111", False),
        ("mailto:a@example.cn", False),
        ("https://cdn.jsdelivr.net/npm/bootstrap.css", True),
        ("//fonts.googleapis.com/css", True),
        ("HTTP://example.com/x.png", True),
        ("javascript:alert(1)", True),
        ("ftp://files.example.com/a", True),
    ],
)
def test_what_counts_as_another_origin(url, verdict):
    assert foreign(url) is verdict


def test_the_parser_finds_references_wherever_html_and_css_put_them():
    parser = References()
    parser.feed(
        '<link rel="stylesheet" href="https://cdn.example.com/a.css">'
        '<img srcset="/a.png 1x, https://img.example.com/b.png 2x">'
        "<div style=\"background: url('//x.example.com/c.png')\"></div>"
        "<style>@import 'https://d.example.com/d.css'; p { background: url(https://e.example.com/e.png) }</style>"
        '<meta http-equiv="refresh" content="0; url=https://f.example.com/">'
        '<form action="https://g.example.com/post"><button formaction="/ok/"></button></form>'
    )

    assert [ref for _, ref in parser.found if foreign(ref)] == [
        "https://cdn.example.com/a.css",
        "https://img.example.com/b.png",
        "//x.example.com/c.png",
        "https://e.example.com/e.png",
        "https://d.example.com/d.css",
        "https://f.example.com/",
        "https://g.example.com/post",
    ]
    assert parser.stylesheets == ["https://cdn.example.com/a.css"]
