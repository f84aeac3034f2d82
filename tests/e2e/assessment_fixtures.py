"""Phone-sized browser contexts and a phone-like photo, for the assessment journey.

The phone is a mid-sized Android handset as Chromium's device emulation draws it: a
390×844 CSS-pixel viewport at 3× density, touch events, and a mobile user agent (the
site sends the same pages to every browser; the agent only makes Chromium behave as
a phone does, with a mobile viewport meta honoured).
"""

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "screen": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Mobile Safari/537.36"
    ),
    "locale": "zh-CN",
}

PASSWORD = "correct-horse-battery"


def phone_jpeg() -> bytes:
    """A phone-camera-like JPEG: 1200×900, with the camera model, a GPS position and a comment in it."""
    image = Image.new("RGB", (1200, 900), (70, 110, 150))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1200, 100):
        draw.rectangle([x, 500, x + 60, 900], fill=(220, 180, 40))  # something like shelving in a workshop
    draw.ellipse([450, 150, 750, 450], fill=(200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneCam 12"  # Model
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif, comment=b"factory floor, north gate")
    return buffer.getvalue()


PhoneFactory = Callable[[str], Page]
Shots = Callable[..., Path]


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[PhoneFactory]:
    """phone(username): a new phone-sized browser context, signed in as `username`, on the home page.

    Each user gets a context of their own (their own cookies), as two people with two phones.
    """
    contexts = []

    def sign_in(username: str) -> Page:
        context = browser.new_context(**PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").tap()
        expect(page.get_by_role("heading", name="您好，")).to_be_visible()
        return page

    yield sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Shots:
    """shots(page, name): what the phone's screen shows (or the whole page), saved in the test's temporary folder."""

    def take(page: Page, name: str, *, full_page: bool = False) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
