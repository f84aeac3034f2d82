"""Photos uploaded as evidence, made safe to keep and to show (SECURITY.md T4).

A photo is never stored as it came. Its kind is recognised from its bytes (the file
name and the declared content type are ignored); only JPEG, PNG, WebP and HEIC/HEIF are
decoded, each by the one Pillow plugin for that kind, so no other decoder (EPS would
start Ghostscript, TIFF brings libtiff) ever sees an upload. The pixels alone are then
written out as a new file: JPEG, or PNG when the picture has transparency (white lines
on a transparent screenshot would vanish if flattened onto white). Whatever a phone or
an attacker put around the pixels — EXIF with the GPS position, XMP, ICC profiles,
comments, PNG text chunks, a ZIP, a script or an HTML page appended after the end
marker — is not carried over, because nothing but the pixels is.

Refusals are `ImageRejected`, with a stable `code` for programs and a Chinese `message`
for the person holding the phone. Decoding is bounded before it starts: the upload is
read up to MAX_UPLOAD_BYTES + 1 bytes, and the dimensions in the header are checked
against MAX_PIXELS before a single pixel is decoded. Pillow's own decompression-bomb
limit (Image.MAX_IMAGE_PIXELS) is left as it is; its warning is an error inside
`clean_image` only. Truncated files are refused, not padded with grey
(ImageFile.LOAD_TRUNCATED_IMAGES stays False).

Limits are Django settings read at each call (IMAGE_MAX_UPLOAD_BYTES, IMAGE_MAX_PIXELS,
IMAGE_MAX_EDGE); without a setting, the module constant of the same name applies.
"""

import functools
import hashlib
import io
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, ImageCms

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# 50 MP: the 48 MP "HEIF Max" photos of recent iPhones and the 50 MP full-resolution modes of
# Android phones pass; 108/200 MP modes do not (their normal mode takes 12 MP photos).
DEFAULT_MAX_PIXELS = 50_000_000
# Long side of a stored photo: a hazard stays readable on a 4K screen and the file stays near 1 MB.
DEFAULT_MAX_EDGE = 2560

JPEG_QUALITY = 85


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


MAX_UPLOAD_BYTES: int = _setting("IMAGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
MAX_PIXELS: int = _setting("IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)
MAX_EDGE: int = _setting("IMAGE_MAX_EDGE", DEFAULT_MAX_EDGE)

CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


class ImageRejected(ValueError):
    """The upload is not a photo that can be kept; `message` (translated) says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded photo: only pixels, no metadata, ready to store under a name of our choosing."""

    data: bytes
    extension: str
    content_type: str
    width: int
    height: int
    sha256: str


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, /) -> Any: ...


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _ten_thousands(count: int) -> str:
    """Pixels in 万, as phones advertise them (5000 万像素)."""
    return f"{count / 10_000:.1f}".removesuffix(".0")


_MESSAGES = {
    "empty": gettext_lazy("文件是空的。请重新选择照片上传。"),
    "too_large": gettext_lazy("文件太大（%(size)s），一张照片不能超过 %(limit)s。请在手机上压缩或截图后再上传。"),
    "not_an_image": gettext_lazy("这个文件不是照片。请上传 JPEG、PNG、WebP 或 HEIC 格式的照片。"),
    "unsupported_format": gettext_lazy("不支持 %(format)s 格式。请上传 JPEG、PNG、WebP 或 HEIC 格式的照片。"),
    "animated": gettext_lazy("不支持动图。请上传一张静态照片。"),
    "too_many_pixels": gettext_lazy(
        "照片像素太多，上限为 %(limit)s 万像素。请用手机的普通拍照模式重新拍摄，或缩小后再上传。"
    ),
    "truncated": gettext_lazy("照片文件不完整，可能上传时中断了。请重新上传。"),
    "corrupt": gettext_lazy("照片已损坏，无法读取。请重新拍摄，或在相册中另存一份后再上传。"),
}
#: Every code ImageRejected may carry.
CODES = frozenset(_MESSAGES)


def _rejected(code: str, **values: object) -> ImageRejected:
    message = str(_MESSAGES[code])  # translated now, in the language of the request
    return ImageRejected(code, message % values if values else message)


# Recognising the kind ------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_GENERIC_BRANDS = {b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
# Image kinds a phone may hand over that are refused by name rather than called "not a photo".
_OTHER_IMAGES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"),
)


def _brands(data: bytes) -> tuple[bytes, set[bytes]] | None:
    """The major and compatible brands of an ISO base media file (HEIF, AVIF, MP4), or None."""
    if data[4:8] != b"ftyp":
        return None
    size = int.from_bytes(data[0:4], "big")
    if size < 16 or size > min(len(data), 4096):
        return None
    return data[8:12], {data[i : i + 4] for i in range(16, size - 3, 4)}


def _recognise(data: bytes) -> str:
    """The Pillow format that will decode `data`: "JPEG", "PNG", "WEBP" or "HEIF"."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(_PNG_SIGNATURE):
        return "PNG"
    if data[0:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if brands := _brands(data):
        major, compatible = brands
        if major in _AVIF_BRANDS or (major in _HEIF_GENERIC_BRANDS and compatible & _AVIF_BRANDS):
            raise _rejected("unsupported_format", format="AVIF")
        if major in _HEIF_BRANDS or major in _HEIF_GENERIC_BRANDS:
            return "HEIF"
        raise _rejected("not_an_image")  # an MP4 or MOV video, a Live Photo's motion part
    if data.startswith(b"BM") and int.from_bytes(data[14:18], "little") in {12, 40, 52, 56, 64, 108, 124}:
        raise _rejected("unsupported_format", format="BMP")
    for magic, name in _OTHER_IMAGES:
        if data.startswith(magic):
            raise _rejected("unsupported_format", format=name)
    raise _rejected("not_an_image")


def _check_complete(data: bytes, kind: str) -> None:
    """Refuse a file cut short, where the container says so before any decoding.

    Pillow notices a JPEG or an image stream that ends early; these catch the cases it lets
    through or reports as mere damage: a PNG without its IEND chunk, a WebP or HEIF file
    shorter than its boxes say.
    """
    if kind == "PNG":
        if data.find(b"IEND", len(_PNG_SIGNATURE)) < 0:
            raise _rejected("truncated")
    elif kind == "WEBP":
        if 8 + int.from_bytes(data[4:8], "little") > len(data):
            raise _rejected("truncated")
    elif kind == "HEIF":
        position = 0
        for _box in range(10_000):
            if position + 8 > len(data):
                break
            size = int.from_bytes(data[position : position + 4], "big")
            if size == 1:
                if position + 16 > len(data):
                    raise _rejected("truncated")
                size = int.from_bytes(data[position + 8 : position + 16], "big")
            elif size == 0:  # the last box runs to the end of the file
                return
            if size < 8:
                raise _rejected("corrupt")
            position += size
        else:
            raise _rejected("corrupt")
        if position > len(data):
            raise _rejected("truncated")


# Decoding ---------------------------------------------------------------------------------------


@functools.cache
def _register_heif() -> None:
    """Teach Pillow to open HEIC/HEIF, once, on the first HEIF upload.

    Registering adds one format, "HEIF" (open and save, extensions .heic/.heif), and changes
    nothing else: pillow-heif's options keep their defaults and Pillow's own formats are
    untouched, so other modules' Image.open and save behave as before for every other kind.
    """
    from pillow_heif import register_heif_opener  # loads libheif only when a HEIF photo arrives

    register_heif_opener()


# Python before 3.14 keeps one process-wide list of warning filters: two threads inside
# catch_warnings() at once could restore each other's filter. The lock keeps our own uses
# in turn, and only the header read (Image.open) runs under it; decoding does not.
_warning_filters = threading.Lock()


@contextmanager
def _opened(data: bytes, kind: str) -> Iterator[Image.Image]:
    if kind == "HEIF":
        _register_heif()
    with _warning_filters, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = Image.open(io.BytesIO(data), formats=[kind])
    with im:
        yield im


def _failure(exc: BaseException) -> ImageRejected:
    """What a decoder's exception means for the user."""
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return _rejected("too_many_pixels", limit=_ten_thousands(_max_pixels()))
    if "truncated" in str(exc).lower():
        return _rejected("truncated")
    return _rejected("corrupt")


def max_upload_bytes() -> int:
    """The largest upload `clean_image` reads (IMAGE_MAX_UPLOAD_BYTES now): for upload handlers and messages."""
    return _setting("IMAGE_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


def _max_pixels() -> int:
    return _setting("IMAGE_MAX_PIXELS", MAX_PIXELS)


def _target_size(size: tuple[int, int], max_edge: int) -> tuple[int, int]:
    width, height = size
    if max(width, height) <= max_edge:
        return size
    scale = max_edge / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(im: Image.Image) -> int:
    """The EXIF orientation (1–8), 1 when absent or unreadable: a broken EXIF block is dropped anyway.

    HEIF photos come out of pillow-heif already turned (it applies the file's rotation and
    sets the EXIF value to 1), so they are not turned twice.
    """
    try:
        value = im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # metadata that cannot be read is metadata we do not keep
        return 1
    return value if isinstance(value, int) and value in _TRANSPOSE else 1


_TRANSPARENT_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
_GREY_MODES = {"1", "L", "LA", "La"}
_WIDE_GREY_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}


def _has_transparency(im: Image.Image) -> bool:
    if im.mode in _WIDE_GREY_MODES:  # a 16-bit grey PNG's transparent colour is not worth a PNG
        return False
    return im.mode in _TRANSPARENT_MODES or "transparency" in im.info


def _displayable(im: Image.Image) -> Image.Image:
    """The picture in L, RGB or CMYK, 8 bits a channel: modes the resizer and the ICC transform take."""
    if im.mode in _WIDE_GREY_MODES:
        # 16-bit grey: scale to 8 bits (a plain convert would clip everything above 255 to white).
        return im.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if im.mode in {"L", "RGB", "CMYK"}:
        return im
    return im.convert("L" if im.mode in _GREY_MODES else "RGB")


def _to_srgb(im: Image.Image, profile: bytes | None) -> Image.Image:
    """A new 8-bit RGB image in (roughly) sRGB: the embedded ICC profile is applied, then dropped."""
    if profile:
        try:
            converted = ImageCms.profileToProfile(
                im, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _srgb(), outputMode="RGB"
            )
        except Exception:  # a profile that does not fit the pixels is ignored, as a browser would
            logger.info("Ignored an ICC profile that could not be applied to a %s photo", im.mode)
        else:
            if converted is not None:
                return converted
    return im.convert("RGB")


def _resized(im: Image.Image, max_edge: int) -> Image.Image:
    # Bicubic: close to Lanczos on photos at these ratios, in half the time.
    target = _target_size(im.size, max_edge)
    return im if im.size == target else im.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _alpha(im: Image.Image) -> Image.Image | None:
    """The alpha channel when some pixel is not fully opaque, else None (the photo becomes a JPEG)."""
    if not _has_transparency(im):
        return None
    alpha = im.convert("RGBA").getchannel("A")
    lowest, _highest = alpha.getextrema()
    return alpha if isinstance(lowest, int | float) and lowest < 255 else None


def _encode(picture: Image.Image) -> tuple[bytes, str]:
    """A new file holding only the pixels: a fresh image has no info to carry over."""
    fresh = Image.new(picture.mode, picture.size)
    fresh.paste(picture)
    out = io.BytesIO()
    if fresh.mode == "RGBA":
        fresh.save(out, format="PNG", compress_level=6)
        return out.getvalue(), ".png"
    fresh.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), ".jpg"


def _read(upload: Upload) -> bytes:
    limit = max_upload_bytes()
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _rejected("too_large", size=_megabytes(declared), limit=_megabytes(limit))
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not data:
        raise _rejected("empty")
    if len(data) > limit:
        raise _rejected("too_large", size=_megabytes(max(len(data), declared or 0)), limit=_megabytes(limit))
    return bytes(data)


def _decode(data: bytes, kind: str) -> Image.Image:
    """The photo's pixels, turned upright and no larger than MAX_EDGE, in RGB or RGBA."""
    max_pixels = _max_pixels()
    max_edge = _setting("IMAGE_MAX_EDGE", MAX_EDGE)
    with _opened(data, kind) as im:
        if kind in {"PNG", "WEBP"} and getattr(im, "is_animated", False):
            raise _rejected("animated")
        # A JPEG with an MPF index (Ultra HDR gain maps, stereo pairs) opens as its first, main
        # picture; a HEIF file as its primary image. Those are what the phone showed.
        width, height = im.size
        if width < 1 or height < 1:
            raise _rejected("corrupt")
        if width * height > max_pixels:
            raise _rejected("too_many_pixels", limit=_ten_thousands(max_pixels))
        if kind == "JPEG":
            target = _target_size(im.size, max_edge)
            im.draft(im.mode, target)  # libjpeg scales by 1/2, 1/4 or 1/8 while decoding: less memory
        im.load()  # the whole file is decoded here: a truncated or damaged one raises
        if im.width * im.height > max_pixels:  # a HEIF image may grow while decoding
            raise _rejected("too_many_pixels", limit=_ten_thousands(max_pixels))
        orientation = _orientation(im)  # after load: a PNG may keep its eXIf chunk after the pixels
        profile = im.info.get("icc_profile")
        alpha = _alpha(im)
        if alpha is None:
            # An opaque photo is scaled down first, so colour conversion works on the small copy.
            picture = _to_srgb(_resized(_displayable(im), max_edge), profile)
        else:
            # Transparent pictures (screenshots, logos) are small; scaling RGBA together keeps
            # the colour of half-transparent edges right.
            picture = _to_srgb(_displayable(im), profile)
            picture.putalpha(alpha)
            picture = _resized(picture, max_edge)
    if orientation != 1:
        picture = picture.transpose(_TRANSPOSE[orientation])
    return picture


def clean_image(upload: Upload) -> CleanImage:
    """The upload decoded and written anew (JPEG, or PNG with transparency), or ImageRejected.

    `upload` is a Django UploadedFile or anything with read/seek (and `size`, `name`, which are
    not trusted). Any failure of a decoder on the upload's bytes becomes ImageRejected.
    """
    data = _read(upload)
    kind = _recognise(data)
    _check_complete(data, kind)
    try:
        picture = _decode(data, kind)
        encoded, extension = _encode(picture)
    except ImageRejected:
        raise
    except Exception as exc:  # decoders raise OSError, ValueError, SyntaxError, struct.error, MemoryError…
        logger.info("Rejected a %s upload that did not decode: %s: %s", kind, type(exc).__name__, exc)
        raise _failure(exc) from None
    return CleanImage(
        data=encoded,
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        width=picture.width,
        height=picture.height,
        sha256=hashlib.sha256(encoded).hexdigest(),
    )


# Serving ----------------------------------------------------------------------------------------

IMAGE_CSP = "default-src 'none'; img-src 'self'; sandbox"
_EXTENSION_FOR = {content_type: extension for extension, content_type in CONTENT_TYPES.items()}


def _disposition(filename: str | None, content_type: str, *, inline: bool) -> str:
    """`inline` or `attachment` with an ASCII name and the exact name in RFC 5987 form.

    The name cannot break the header or choose the file's kind: control characters, quotes,
    slashes and backslashes go, and the extension is the one the content type calls for.
    """
    kind = "inline" if inline else "attachment"
    extension = _EXTENSION_FOR[content_type]
    if not filename and inline:
        return kind
    stem = PurePath((filename or "").replace("\\", "/")).name
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"/;') or "image"
    stem = PurePath(stem).stem if PurePath(stem).suffix else stem
    stem = stem.strip(". ") or "image"
    name = stem + extension
    ascii_name = "".join(ch if ch.isascii() and ch not in "%*'" else "_" for ch in name)
    if ascii_name == name:
        return f'{kind}; filename="{name}"'
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _check_stored_kind(head: bytes, content_type: str) -> None:
    """A stored file whose bytes are not what its content type says is not served as an image."""
    expected = b"\xff\xd8\xff" if content_type == "image/jpeg" else _PNG_SIGNATURE
    if not head.startswith(expected):
        raise ValueError(f"the stored file is not {content_type}")


def image_response(
    data_or_file: bytes | Any, content_type: str, *, filename: str | None = None, inline: bool = True
) -> HttpResponse | FileResponse:
    """A stored image as a response that a browser can only show as an image.

    `data_or_file` is the image's bytes or an open binary file (then streamed). The content
    type must be one clean_image produces. The response says `nosniff`, carries a CSP that
    forbids scripts and sandboxes the document even if opened directly, may be kept only in the
    viewer's own browser cache, and may not be embedded by other sites.
    """
    if content_type not in _EXTENSION_FOR:
        raise ValueError(f"image_response serves {sorted(_EXTENSION_FOR)}, not {content_type!r}")
    response: HttpResponse | FileResponse
    if isinstance(data_or_file, bytes | bytearray | memoryview):
        data = bytes(data_or_file)
        _check_stored_kind(data[:8], content_type)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Length"] = str(len(data))
    else:
        data_or_file.seek(0)
        _check_stored_kind(data_or_file.read(8), content_type)
        data_or_file.seek(0)
        response = FileResponse(data_or_file, content_type=content_type)
    response["Content-Type"] = content_type
    response["Content-Disposition"] = _disposition(filename, content_type, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
