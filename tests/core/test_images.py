"""Uploaded photos are decoded and written anew, never kept as they came (SECURITY.md T4).

The corpus (tests/core/corpus.py) holds hostile and broken files, each refused with a stable
code and a Chinese message, and photos wrapped in metadata or followed by other files, each
re-encoded. The outputs are checked by walking their JPEG segments and PNG chunks here, not
by asking Pillow what it kept.
"""

import hashlib
import io
import os
import re
import subprocess
import sys
import threading
import warnings
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.test import RequestFactory
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from liangpai.core import images
from liangpai.core.images import CleanImage, ImageRejected, clean_image, image_response
from tests.core import corpus

MALICIOUS = corpus.malicious()
ACCEPTABLE = corpus.acceptable()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def upload(sample: corpus.Sample) -> SimpleUploadedFile:
    return SimpleUploadedFile(sample.filename, sample.data, content_type="image/jpeg")


# Reading the outputs ourselves --------------------------------------------------------------------


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG from SOI to EOI; fails if anything follows EOI."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers = [0xD8]
    position = 2
    while True:
        assert data[position] == 0xFF, f"no marker at {position}"
        while data[position + 1] == 0xFF:  # fill bytes
            position += 1
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xD9:
            end = position + 2
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        position += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next real marker
            while True:
                position = data.index(b"\xff", position)
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    position += 2
                elif following == 0xFF:
                    position += 1
                else:
                    break
    assert end == len(data), f"{len(data) - end} bytes after the end-of-image marker"
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, with their checksums checked; fails if anything follows IEND."""
    assert data[:8] == corpus.PNG_SIGNATURE, "not a PNG"
    kinds = []
    position = 8
    while True:
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        payload = data[position + 8 : position + 8 + length]
        crc = int.from_bytes(data[position + 8 + length : position + 12 + length], "big")
        assert zlib.crc32(kind + payload) == crc, f"bad checksum on {kind!r}"
        kinds.append(kind)
        position += 12 + length
        if kind == b"IEND":
            break
    assert position == len(data), f"{len(data) - position} bytes after IEND"
    return kinds


METADATA_MARKERS = {0xE1: "APP1 (EXIF/XMP)", 0xE2: "APP2 (ICC/MPF)", 0xED: "APP13 (Photoshop/IPTC)", 0xFE: "COM"}


def assert_clean(result: CleanImage, original: bytes) -> None:
    assert result.data != original
    assert result.content_type == images.CONTENT_TYPES[result.extension]
    if result.extension == ".jpg":
        markers = jpeg_markers(result.data)
        found = [METADATA_MARKERS[m] for m in markers if m in METADATA_MARKERS]
        assert found == []
        # Only the JFIF header: no APPn segment of any kind besides APP0.
        assert [m for m in markers if 0xE1 <= m <= 0xEF] == []
    else:
        assert result.extension == ".png"
        assert set(png_chunks(result.data)) <= {b"IHDR", b"IDAT", b"IEND"}
    with Image.open(io.BytesIO(result.data)) as reopened:
        assert reopened.size == (result.width, result.height)
        assert not reopened.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment", "dpi"} & set(reopened.info)
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()


def test_the_walkers_see_metadata_and_appended_bytes():
    jpeg = corpus.encode(corpus.picture(), "JPEG", exif=corpus.exif())
    assert 0xE1 in jpeg_markers(jpeg)
    assert 0xFE in jpeg_markers(corpus.with_jpeg_segments(jpeg, corpus.jpeg_segment(0xFE, b"hi")))
    with pytest.raises(AssertionError, match="bytes after the end-of-image marker"):
        jpeg_markers(jpeg + b"PK\x03\x04")
    png = corpus.with_png_chunks(corpus.encode(corpus.picture(), "PNG"), *corpus.png_text_chunks())
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunks(png))
    with pytest.raises(AssertionError, match="bytes after IEND"):
        png_chunks(png + corpus.PHP)
    with pytest.raises(AssertionError):
        assert_clean(CleanImage(jpeg, ".jpg", "image/jpeg", 64, 48, hashlib.sha256(jpeg).hexdigest()), b"")


# The corpus ---------------------------------------------------------------------------------------


def test_the_corpus_holds_at_least_thirty_hostile_files_and_thirty_wrapped_photos():
    assert len(MALICIOUS) >= 30
    assert len(ACCEPTABLE) >= 30
    assert {sample.code for sample in MALICIOUS} == images.CODES
    assert len({sample.name for sample in MALICIOUS + ACCEPTABLE}) == len(MALICIOUS) + len(ACCEPTABLE)


@pytest.mark.parametrize("sample", MALICIOUS, ids=lambda sample: sample.name)
def test_a_hostile_or_broken_file_is_refused_with_its_code_and_a_chinese_message(sample):
    with pytest.raises(ImageRejected) as refused:
        clean_image(upload(sample))
    assert refused.value.code == sample.code
    assert CHINESE.search(refused.value.message)
    assert str(refused.value) == refused.value.message


@pytest.mark.parametrize("sample", ACCEPTABLE, ids=lambda sample: sample.name)
def test_a_photo_comes_out_reencoded_with_no_metadata_and_nothing_appended(sample):
    result = clean_image(upload(sample))

    assert_clean(result, sample.data)
    for payload in sample.payloads:
        assert payload not in result.data
    assert corpus.SECRET not in result.data
    if sample.size is not None:
        assert (result.width, result.height) == sample.size
    if sample.extension is not None:
        assert result.extension == sample.extension


def test_the_file_name_and_declared_type_change_nothing():
    jpeg = corpus.encode(corpus.picture(), "JPEG", exif=corpus.exif(6))
    results = {
        clean_image(SimpleUploadedFile(name, jpeg, content_type=declared)).sha256
        for name, declared in [("a.jpg", "image/jpeg"), ("a.png", "image/png"), ("a.html", "text/html"), ("a", "")]
    }
    assert len(results) == 1


ORIENTATIONS = corpus.orientation_samples()


@pytest.mark.parametrize(("orientation", "data"), ORIENTATIONS, ids=[f"orientation-{o}" for o, _data in ORIENTATIONS])
def test_each_exif_orientation_is_applied_before_the_exif_is_dropped(orientation, data):
    result = clean_image(SimpleUploadedFile("photo.jpg", data))

    assert (result.width, result.height) == (60, 20)
    with Image.open(io.BytesIO(result.data)) as im:
        rgb = im.convert("RGB")
        red, green, _blue = rgb.getpixel((3, 1))
        assert (red > 200, green < 60) == (True, True), f"orientation {orientation}: no red corner at the top left"
        for corner in [(56, 1), (3, 18), (56, 18)]:
            assert rgb.getpixel(corner)[0] < 200 or rgb.getpixel(corner)[1] > 60


def test_sixteen_bit_grey_is_scaled_not_clipped_to_white():
    result = clean_image(SimpleUploadedFile("grey.png", corpus.sixteen_bit_grey_png()))

    with Image.open(io.BytesIO(result.data)) as im:
        value = im.convert("L").getpixel((10, 5))
    assert 120 <= value <= 136


def test_a_palette_png_keeps_its_transparency_as_a_png():
    result = clean_image(SimpleUploadedFile("logo.png", corpus.palette_png_with_transparency()))

    assert result.extension == ".png"
    assert result.content_type == "image/png"
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.mode == "RGBA"
        assert im.getpixel((0, 0))[3] == 0
        assert im.getpixel((15, 10)) == (0, 0, 0, 255)


def test_a_cmyk_jpeg_becomes_rgb_with_its_colours():
    result = clean_image(SimpleUploadedFile("print.jpg", corpus.cmyk_jpeg()))

    with Image.open(io.BytesIO(result.data)) as im:
        assert im.mode == "RGB"
        red, green, blue = im.getpixel((2, 2))
    assert (red > 200, green < 60, blue < 60) == (True, True, True)


def test_the_same_photo_gives_the_same_bytes():
    sample = ACCEPTABLE[0]
    assert clean_image(upload(sample)).data == clean_image(upload(sample)).data


def test_the_upload_is_left_at_its_start():
    sample = ACCEPTABLE[0]
    uploaded = upload(sample)
    clean_image(uploaded)
    assert uploaded.read() == sample.data


# Limits ---------------------------------------------------------------------------------------------


def test_the_defaults(settings):
    assert images.DEFAULT_MAX_UPLOAD_BYTES == 15 * 1024 * 1024
    assert images.DEFAULT_MAX_PIXELS == 50_000_000
    assert images.DEFAULT_MAX_EDGE == 2560
    assert getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", images.DEFAULT_MAX_UPLOAD_BYTES) == images.MAX_UPLOAD_BYTES
    assert getattr(settings, "IMAGE_MAX_PIXELS", images.DEFAULT_MAX_PIXELS) == images.MAX_PIXELS
    assert getattr(settings, "IMAGE_MAX_EDGE", images.DEFAULT_MAX_EDGE) == images.MAX_EDGE


def test_the_size_limit_comes_from_the_setting_and_is_said_in_the_message(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    data = corpus.encode(corpus.picture(), "JPEG") + b"\x00" * (5 * 1024 * 1024 // 2)

    with pytest.raises(ImageRejected) as refused:
        clean_image(SimpleUploadedFile("big.jpg", data))
    assert refused.value.code == "too_large"
    assert "（2.5 MB）" in refused.value.message
    assert "不能超过 2 MB" in refused.value.message


class LyingUpload:
    """An upload whose `size` understates its content, and that records how much was asked for."""

    def __init__(self, data: bytes) -> None:
        self.file = io.BytesIO(data)
        self.name = "photo.jpg"
        self.size = 10
        self.requested: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.requested.append(size)
        return self.file.read(size)

    def seek(self, offset: int) -> int:
        return self.file.seek(offset)


def test_reading_stops_one_byte_past_the_limit_whatever_the_upload_says(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 5000
    lying = LyingUpload(corpus.encode(corpus.picture((64, 48)), "JPEG") + b"\x00" * 100_000)

    with pytest.raises(ImageRejected) as refused:
        clean_image(lying)
    assert refused.value.code == "too_large"
    assert lying.requested == [5001]


def test_the_pixel_limit_comes_from_the_setting_and_is_checked_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    with pytest.raises(ImageRejected) as refused:
        clean_image(SimpleUploadedFile("photo.jpg", corpus.encode(corpus.picture((40, 30)), "JPEG")))
    assert refused.value.code == "too_many_pixels"
    assert "上限为 0.1 万像素" in refused.value.message

    settings.IMAGE_MAX_PIXELS = 1200
    assert clean_image(SimpleUploadedFile("photo.jpg", corpus.encode(corpus.picture((40, 30)), "JPEG"))).width == 40


def test_a_photo_is_downscaled_to_the_longest_edge_setting(settings):
    settings.IMAGE_MAX_EDGE = 50
    result = clean_image(SimpleUploadedFile("photo.jpg", corpus.encode(corpus.picture((80, 60)), "JPEG")))
    assert (result.width, result.height) == (50, 38)

    rotated = corpus.encode(corpus.picture((80, 60)), "JPEG", exif=corpus.exif(6))
    result = clean_image(SimpleUploadedFile("photo.jpg", rotated))
    assert (result.width, result.height) == (38, 50)


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(settings):
    settings.IMAGE_MAX_EDGE = 500
    data = corpus.encode(corpus.picture((4000, 3000)), "JPEG", quality=80)
    result = clean_image(SimpleUploadedFile("photo.jpg", data))
    assert (result.width, result.height) == (500, 375)


# Global state is left alone -----------------------------------------------------------------------


def test_bombs_leave_pillow_and_the_warning_filters_as_they_were():
    filters = list(warnings.filters)
    limit = Image.MAX_IMAGE_PIXELS
    bombs = [sample for sample in MALICIOUS if sample.code == "too_many_pixels"]

    for sample in bombs:
        with pytest.raises(ImageRejected):
            clean_image(upload(sample))

    assert warnings.filters == filters
    assert limit == Image.MAX_IMAGE_PIXELS
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_outside_clean_image_pillow_still_only_warns_about_a_large_image():
    with pytest.warns(Image.DecompressionBombWarning), Image.open(io.BytesIO(corpus.png_header_only(10_000, 10_000))):
        pass


def test_concurrent_uploads_each_get_their_own_answer_and_leave_the_filters_alone():
    filters = list(warnings.filters)
    bomb = next(sample for sample in MALICIOUS if sample.name.startswith("png bomb: 10000"))
    photo = ACCEPTABLE[0]
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(sample: corpus.Sample) -> None:
        for _ in range(10):
            try:
                outcome = clean_image(upload(sample)).extension
            except ImageRejected as exc:
                outcome = exc.code
            with lock:
                outcomes.append(f"{sample.name}:{outcome}")

    threads = [threading.Thread(target=work, args=(sample,)) for sample in [bomb, photo] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == sorted({f"{bomb.name}:too_many_pixels", f"{photo.name}:.jpg"})
    assert len(outcomes) == 80
    assert warnings.filters == filters


def test_pillow_heif_is_loaded_only_when_a_heif_photo_arrives(tmp_path: Path):
    jpeg = tmp_path / "photo.jpg"
    jpeg.write_bytes(corpus.encode(corpus.picture(), "JPEG"))
    heic = tmp_path / "photo.heic"
    heic.write_bytes(corpus.heif(corpus.picture()))
    script = f"""
import sys, django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from liangpai.core.images import clean_image
from PIL import Image
clean_image(SimpleUploadedFile("a.jpg", open({str(jpeg)!r}, "rb").read()))
assert "pillow_heif" not in sys.modules, "loaded for a JPEG"
assert clean_image(SimpleUploadedFile("a.heic", open({str(heic)!r}, "rb").read())).extension == ".jpg"
assert "pillow_heif" in sys.modules
print("ok")
"""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert run.stdout.strip() == "ok", run.stderr


# Fuzzing: nothing but ImageRejected comes out -----------------------------------------------------


def outcome_of(data: bytes) -> str:
    try:
        result = clean_image(SimpleUploadedFile("fuzz.jpg", data))
    except ImageRejected as exc:
        refused = exc
    else:
        assert_clean(result, data)
        return "clean"
    assert refused.code in images.CODES
    assert CHINESE.search(refused.message)
    return refused.code


SEEDS = [
    corpus.encode(corpus.picture((24, 16)), "JPEG"),
    corpus.encode(corpus.picture((24, 16)), "JPEG", progressive=True, exif=corpus.exif(6)),
    corpus.encode(corpus.picture((24, 16), "RGBA"), "PNG"),
    corpus.palette_png_with_transparency(),
    corpus.encode(corpus.picture((24, 16)), "WEBP"),
    corpus.heif(corpus.picture((24, 16))),
]
MAGICS = [b"\xff\xd8\xff", corpus.PNG_SIGNATURE, b"RIFF\x00\x01\x00\x00WEBPVP8 ", b"\x00\x00\x00\x18ftypheic"]


@hypothesis_settings(max_examples=300)
@given(st.binary(max_size=2048))
def test_random_bytes_are_refused_with_a_code(data):
    outcome_of(data)


@hypothesis_settings(max_examples=200)
@given(st.sampled_from(MAGICS), st.binary(max_size=2048))
def test_random_bytes_behind_an_image_signature_are_refused_with_a_code(magic, data):
    outcome_of(magic + data)


@hypothesis_settings(max_examples=300)
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
    st.floats(0.05, 1),
)
def test_damaged_photos_are_refused_with_a_code_or_come_out_clean(seed, changes, kept):
    data = bytearray(seed)
    for where, value in changes:
        data[int(where * len(data))] = value
    outcome_of(bytes(data[: max(1, int(len(data) * kept))]))


# Serving ------------------------------------------------------------------------------------------


@pytest.fixture
def stored() -> CleanImage:
    return clean_image(upload(ACCEPTABLE[0]))


def test_an_image_is_served_inline_with_nosniff_a_sandboxing_csp_and_a_private_cache(stored):
    response = image_response(stored.data, stored.content_type, filename="evidence.jpg")

    assert isinstance(response, HttpResponse)
    assert response.content == stored.data
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(stored.data))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Content-Disposition"] == 'inline; filename="evidence.jpg"'


def test_a_stored_file_is_streamed_with_the_same_headers(stored):
    response = image_response(io.BytesIO(stored.data), "image/jpeg")

    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == stored.data
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == "inline"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == images.IMAGE_CSP
    assert response["Cache-Control"] == "private, max-age=3600"


def test_a_file_with_a_name_of_its_own_is_not_served_under_it(stored):
    handle = io.BytesIO(stored.data)
    handle.name = "/srv/media/evidence/x<script>.html"  # type: ignore[attr-defined]
    response = image_response(handle, "image/jpeg")
    assert response["Content-Disposition"] == "inline"


@pytest.mark.parametrize(
    ("filename", "inline", "expected"),
    [
        ("照片-1.jpg", True, "inline; filename=\"__-1.jpg\"; filename*=UTF-8''%E7%85%A7%E7%89%87-1.jpg"),
        ("report.html", True, 'inline; filename="report.jpg"'),
        ('a"b;c\r\nSet-Cookie: x=1.jpg', True, 'inline; filename="abcSet-Cookie: x=1.jpg"'),
        ("../../etc/passwd", True, 'inline; filename="passwd.jpg"'),
        ("C:\\fakepath\\photo.JPG", False, 'attachment; filename="photo.jpg"'),
        (None, False, 'attachment; filename="image.jpg"'),
        ("...", True, 'inline; filename="image.jpg"'),
    ],
)
def test_the_name_in_content_disposition_is_safe_and_ends_as_its_type_says(stored, filename, inline, expected):
    response = image_response(stored.data, "image/jpeg", filename=filename, inline=inline)
    assert response["Content-Disposition"] == expected


def test_a_png_is_served_as_a_png():
    png = clean_image(SimpleUploadedFile("logo.png", corpus.palette_png_with_transparency()))
    response = image_response(png.data, png.content_type, filename="logo", inline=False)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="logo.png"'


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "image/webp", "application/octet-stream"])
def test_only_the_types_clean_image_writes_are_served(stored, content_type):
    with pytest.raises(ValueError, match="image_response serves"):
        image_response(stored.data, content_type)


def test_bytes_that_are_not_what_the_content_type_says_are_not_served(stored):
    with pytest.raises(ValueError, match="not image/png"):
        image_response(stored.data, "image/png")
    with pytest.raises(ValueError, match="not image/jpeg"):
        image_response(io.BytesIO(corpus.HTML_PAGE), "image/jpeg")


def test_the_site_wide_csp_does_not_replace_the_image_csp(stored):
    request = RequestFactory().get("/photo")
    middleware = ContentSecurityPolicyMiddleware(lambda _request: image_response(stored.data, "image/jpeg"))
    response = middleware(request)
    assert response["Content-Security-Policy"] == images.IMAGE_CSP
