"""A corpus of messy, wrong and hostile enterprise spreadsheets, one problem per file.

    python -m tests.imports.make_corpus DIR

The tests build it once per session in a temporary directory (`corpus` fixture). The
reference world the files name is fixed here (towns 甲镇/乙街道, their districts, a few
GB/T 4754 divisions); the tests create exactly these rows. Row numbers in the comments
are the ones a user sees in the spreadsheet.

Layouts:
  .xlsx / .xls error files: row 1 a merged title, row 2 the header, data from row 3.
  messy.*: row 1 a merged title, row 2 a merged subtitle, row 3 the header (with a 序号
  column and synonyms), data from row 4.
"""

import io
import random
import re
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
import xlwt

from liangpai.rules.credit_code import ALPHABET, check_character

# --- the reference world ---------------------------------------------------------------

TOWNS = {"甲镇": ("甲", ["甲一片", "甲二片"]), "乙街道": ("乙", ["乙一片"])}
INDUSTRIES = {"34": "通用设备制造业", "06": "煤炭开采和洗选业", "18": "纺织服装、服饰业"}

CODES = [
    "91330482AY4CL12THM",
    "913304823BJ1XG612R",
    "91330482DD272HD1T4",
    "91330482J3Y7LLJY1K",
    "91330482JJC171HU46",
    "913304829D4H3J9HTM",
    "91330482M53JJL6B3X",
    "91330482HN2J1K6FME",
    "91330482HDQAEJXEBF",
    "9133048297R5NQ72J7",
]
NUMERIC_CODE = 913304827601895550  # valid, but a float keeps only ~16 significant digits

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "镇(街道)",
    "片区",
    "地址",
    "行业",
    "规模",
    "职工人数",
    "是否建会",
    "工会主席",
    "工会主席电话",
    "安全负责人",
    "安全负责人电话",
    "经度",
    "纬度",
    "状态",
]


def good_row(n: int, **changes: Any) -> dict[str, Any]:
    """A valid row for CODES[n], as cells by header; `changes` replace cells (use "_" for spaces in keys)."""
    row: dict[str, Any] = {
        "企业名称": f"甲{n}精密机械有限公司",
        "统一社会信用代码": CODES[n],
        "镇(街道)": "甲镇",
        "片区": "甲一片",
        "地址": f"甲镇工业路{n}号",
        "行业": "34",
        "规模": "规上",
        "职工人数": 120,
        "是否建会": "是",
        "工会主席": "王建国",
        "工会主席电话": "13800001111",
        "安全负责人": "李安全",
        "安全负责人电话": "13912345678",
        "经度": 121.0153,
        "纬度": 30.6978,
        "状态": "在营",
    }
    row.update(changes)
    return row


def _grid(rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> list[list[Any]]:
    return [[row.get(h) for h in headers] for row in rows]


# --- writers -----------------------------------------------------------------------------


def write_xlsx(
    path: Path, header: list[str], data: list[list[Any]], titles: list[str] | tuple[str, ...] = ("2025年企业名录",)
) -> None:
    """Title rows merged across the table, then the header, then the data (None = empty cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业名录"
    width = len(header)
    for title in titles:
        ws.append([title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.append(header)
    for row in data:
        ws.append(row)
    wb.save(path)


def write_xls(
    path: Path, header: list[str], data: list[list[Any]], titles: list[str] | tuple[str, ...] = ("2025年企业名录",)
) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("企业名录")
    r = 0
    for title in titles:
        ws.write_merge(r, r, 0, len(header) - 1, title)
        r += 1
    for values in [header, *data]:
        for col, value in enumerate(values):
            if value is not None:
                ws.write(r, col, value)
        r += 1
    wb.save(str(path))


def write_csv(
    path: Path, header: list[str], data: list[list[Any]], *, encoding: str, titles: tuple[str, ...] = ()
) -> None:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)  # floats as Python prints them: 13812345678.0
        return f'"{text}"' if ("," in text or '"' in text) else text

    lines = [title + "," * (len(header) - 1) for title in titles]
    lines += [",".join(cell(v) for v in row) for row in [header, *data]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


# --- tolerated mess ----------------------------------------------------------------------

MESSY_TITLES = ("2025年甲镇、乙街道企业安全生产名录", "填报单位：甲镇总工会    填报日期：2025年3月1日")
MESSY_HEADER = [
    "序号",
    "单位名称",
    "信用代码",
    "所属镇街",
    "所属片区",
    "企业地址",
    "所属行业",
    "企业规模",
    "从业人数",
    "已建工会",
    "工会主席",
    "工会主席电话",
    "安全联系人",
    "联系电话",
    "经度",
    "纬度",
    "状态",
    "备注",
]


def messy_rows() -> list[list[Any]]:
    """Sheet rows 4–11. Expected: rows 4, 6 and 8 imported, row 7 merged into row 4, the rest blank."""
    fullwidth_code = CODES[1].translate({ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    spaced_lower = " ".join([CODES[0][:4], CODES[0][4:10], CODES[0][10:]]).lower()
    row4 = [1, "\u00a0甲一精密机械有限公司\u3000", spaced_lower, "甲镇 ", "甲一片", "甲镇  工业路1号", 34.0, "规模以上",
            "１２０", "有", "王建国", 13800001111.0, "李安全", 13912345678.0, 121.0153, 30.6978, None, "重点企业"]  # fmt: skip
    row6 = [2, "ＡＢＣ纺织有限公司", fullwidth_code, "甲镇", "甲二片", None, "通用设备制造业", "规下",
            35.0, "N", None, None, "赵安全", "0573-85012345", None, None, "关停", None]  # fmt: skip
    row8 = [4, "乙一煤业有限公司", CODES[2], "乙", "乙一片", "乙街道矿山路8号", 6.0, "规上",
            "1,200人", "Y", "钱主席", "+86 138 0000 2222", "孙安全", "13700003333", "121.1", "30.8", "在营", None]  # fmt: skip
    return [
        row4,
        [None] * 18,
        row6,
        list(row4),
        row8,
        [None] * 18,
        [5] + [None] * 17,
        ["", " ", "\u00a0"] + [None] * 15,
    ]


# --- one problem per file ----------------------------------------------------------------


def error_files() -> dict[str, list[dict[str, Any]]]:
    """Error files with the standard header (row 2); data rows from row 3 in list order."""
    numeric = good_row(5)
    numeric["统一社会信用代码"] = float(NUMERIC_CODE)
    return {
        "bad_credit_code": [
            good_row(0, 统一社会信用代码=CODES[0][:17] + "A"),  # 3: check character
            good_row(1, 统一社会信用代码=CODES[1][:17]),  # 4: 17 characters
            good_row(2, 统一社会信用代码=CODES[2][:11] + "I" + CODES[2][12:]),  # 5: I is not used
            good_row(3, 统一社会信用代码=None),  # 6: empty
            numeric,  # 7: stored as a number, precision lost
            good_row(4),  # 8: fine
        ],
        "unknown_town": [good_row(0), good_row(1, **{"镇(街道)": "丙镇"})],
        "district_not_in_town": [
            good_row(0, 片区="乙一片"),  # 3: belongs to 乙街道
            good_row(1, 片区="甲九片"),  # 4: exists nowhere
        ],
        "unknown_industry": [good_row(0, 行业="99"), good_row(1, 行业="造船业"), good_row(2, 行业="3411")],
        "bad_scale": [good_row(0, 规模="大型"), good_row(1, 规模="规模以下")],
        "bad_headcount": [
            good_row(0, 职工人数=-5),
            good_row(1, 职工人数=12.5),
            good_row(2, 职工人数="很多"),
            good_row(3, 职工人数="80.0"),  # fine
        ],
        "bad_phone": [
            good_row(0, 工会主席电话="12345"),
            good_row(1, 安全负责人电话=1381234567.0),
            good_row(2, 安全负责人电话="13812345678/13912345678"),
        ],
        "bad_coordinates": [
            good_row(0, 经度=200.0),
            good_row(1, 纬度=95),
            good_row(2, 经度=30.6978, 纬度=121.0153),  # swapped
            good_row(3, 经度=None),  # latitude alone
        ],
        "missing_required": [
            good_row(0, 企业名称=None),
            good_row(1, **{"镇(街道)": None, "片区": None}),
            good_row(2, 职工人数=None, 行业="  "),
        ],
        "conflicting_duplicates": [
            good_row(0),
            good_row(1),
            good_row(0, 职工人数=130),  # 5: same code as row 3, other headcount
            good_row(1),  # 6: identical to row 4 → merged, a note
        ],
        "mixed_good_and_bad": [good_row(0), good_row(1), good_row(2, 规模="中型"), good_row(3)],
        "out_of_scope": [good_row(0), good_row(1, **{"镇(街道)": "乙街道", "片区": "乙一片"})],
    }


def write_xlsx_bomb(path: Path, *, member_bytes: int) -> None:
    """A real workbook plus one member of zeros that inflates to `member_bytes`."""
    base = _workbook_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
        with out.open("xl/media/padding.bin", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(member_bytes // len(chunk)):
                member.write(chunk)


def write_xlsx_many_members(path: Path, count: int = 600) -> None:
    base = _workbook_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
        for i in range(count):
            out.writestr(f"xl/extra/part{i}.xml", "<a/>")


def write_xlsx_with_sheet_xml(path: Path, transform: Callable[[bytes], bytes]) -> None:
    """A real workbook whose first sheet's XML is rewritten by `transform`."""
    base = _workbook_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = transform(data)
            out.writestr(info.filename, data)


def _workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    ws.append(_grid([good_row(0)])[0])
    wb.save(buffer)
    return buffer.getvalue()


_ENTITY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


def _with_entity(xml: bytes) -> bytes:
    body = xml.split(b"?>", 1)[1].lstrip() if xml.startswith(b"<?xml") else xml
    return _ENTITY + body


def _with_far_cell(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')


def _without_cell_refs(xml: bytes) -> bytes:
    return xml.replace(b' r="A2"', b"")


def write_xls_forged_dimensions(path: Path, source: Path) -> None:
    """An .xls whose DIMENSIONS record claims 2^31 rows: the reader would reserve a terabyte."""
    data = bytearray(source.read_bytes())
    position = 512  # xlwt writes a small Workbook stream contiguously after the header
    while position + 4 <= len(data):
        record, length = struct.unpack_from("<HH", data, position)
        if record == 0x0200 and length == 14:
            struct.pack_into("<I", data, position + 8, 0x7FFFFFFF)
            break
        position += 4 + length
    path.write_bytes(bytes(data))


def write_xlsx_forged_shared_strings(path: Path) -> None:
    """An .xlsx whose shared-string table claims 4,294,967,295 strings (the reader reserves them)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet().write_row(0, 0, HEADERS)
    book.close()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4294967295"', data)
            out.writestr(info.filename, data)


# --- the big one ---------------------------------------------------------------------------


_NAME_PARTS = "平湖嘉兴新华东方金达永盛宏远精工机械纺织化工电子塑料包装五金科技实业制衣食品"


def big_rows(count: int, seed: int = 20_000) -> list[list[Any]]:
    """`count` valid rows with distinct credit codes, spread over the reference towns and districts."""
    rng = random.Random(seed)
    places = [(town, district) for town, (_short, districts) in TOWNS.items() for district in districts]
    rows = []
    seen: set[str] = set()
    while len(rows) < count:
        body = "91330482" + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_character(body)
        if code in seen:
            continue
        seen.add(code)
        town, district = places[len(rows) % len(places)]
        name = "".join(rng.choice(_NAME_PARTS) for _ in range(4)) + f"{len(rows)}有限公司"
        rows.append(
            [name, code, town, district, f"{town}工业路{len(rows)}号", rng.choice(list(INDUSTRIES)),
             rng.choice(["规上", "规下"]), float(rng.randint(5, 3000)), rng.choice(["是", "否"]), "王建国",
             float(13800000000 + rng.randint(0, 99999999)), "李安全", float(13900000000 + rng.randint(0, 99999999)),
             round(121 + rng.random(), 6), round(30.5 + rng.random() / 2, 6), "在营"]
        )  # fmt: skip
    return rows


def write_big_xlsx(path: Path, count: int = 20_000) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("企业名录")
    ws.append(HEADERS)
    for row in big_rows(count):
        ws.append(row)
    wb.save(path)


# --- everything ------------------------------------------------------------------------------


def build(directory: Path, *, big: bool = True) -> dict[str, Path]:
    """Write the corpus into `directory`; returns {file name: path}."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def out(name: str) -> Path:
        files[name] = directory / name
        return files[name]

    write_xlsx(out("clean.xlsx"), HEADERS, _grid([good_row(0), good_row(1), good_row(2)]))
    write_xlsx(out("messy.xlsx"), MESSY_HEADER, messy_rows(), MESSY_TITLES)
    write_xls(out("messy.xls"), MESSY_HEADER, messy_rows(), MESSY_TITLES)
    gbk_rows = [[v.replace("\u00a0", "\u3000") if isinstance(v, str) else v for v in row] for row in messy_rows()]
    write_csv(out("messy_utf8_bom.csv"), MESSY_HEADER, messy_rows(), encoding="utf-8-sig", titles=MESSY_TITLES)
    write_csv(out("messy_utf8.csv"), MESSY_HEADER, messy_rows(), encoding="utf-8", titles=MESSY_TITLES)
    write_csv(out("messy_gbk.csv"), MESSY_HEADER, gbk_rows, encoding="gbk", titles=MESSY_TITLES)
    write_xlsx(
        out("update.xlsx"), HEADERS, _grid([good_row(0, 职工人数=150, 安全负责人电话="13711112222"), good_row(1)])
    )

    for name, rows in error_files().items():
        write_xlsx(out(f"{name}.xlsx"), HEADERS, _grid(rows))
    write_xls(out("bad_credit_code.xls"), HEADERS, _grid(error_files()["bad_credit_code"]))
    write_csv(
        out("bad_credit_code.csv"),
        HEADERS,
        _grid(error_files()["bad_credit_code"]),
        encoding="gbk",
        titles=("2025年企业名录",),
    )
    without = [h for h in HEADERS if h not in ("行业", "规模")]
    write_xlsx(out("missing_columns.xlsx"), without, _grid([good_row(0)], without))
    write_xlsx(out("duplicate_columns.xlsx"), [*HEADERS, "信用代码"], [[*_grid([good_row(0)])[0], CODES[0]]])
    write_xlsx(out("no_header.xlsx"), ["名称", "代码", "地区"], [["甲公司", CODES[0], "甲镇"]], titles=())
    write_xlsx(out("header_only.xlsx"), HEADERS, [])

    # Hostile (SECURITY.md T5) and mislabelled files.
    write_xlsx_bomb(out("zip_bomb.xlsx"), member_bytes=120 * 1024 * 1024)
    write_xlsx_bomb(out("ratio_bomb.xlsx"), member_bytes=40 * 1024 * 1024)
    write_xlsx_many_members(out("many_members.xlsx"))
    write_xlsx_with_sheet_xml(out("xml_entity.xlsx"), _with_entity)
    write_xlsx_with_sheet_xml(out("far_cell.xlsx"), _with_far_cell)
    write_xlsx_with_sheet_xml(out("cell_without_ref.xlsx"), _without_cell_refs)
    far = xlwt.Workbook()
    sheet = far.add_sheet("s")
    sheet.write(0, 0, "企业名称")
    sheet.write(65535, 255, "x")
    far.save(str(out("far_cell.xls")))
    write_xls_forged_dimensions(out("forged_dimensions.xls"), files["bad_credit_code.xls"])
    write_xlsx_forged_shared_strings(out("forged_shared_strings.xlsx"))
    out("csv_named.xlsx").write_bytes(f"企业名称,统一社会信用代码\r\n甲公司,{CODES[0]}\r\n".encode())
    out("xlsx_named.xls").write_bytes(files["clean.xlsx"].read_bytes())
    out("xls_named.xlsx").write_bytes(files["messy.xls"].read_bytes())
    out("html_named.xls").write_bytes("<html><body><table><tr><td>企业名称</td></tr></table></body></html>".encode())
    out("binary_named.csv").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 4)
    out("truncated.xlsx").write_bytes(files["clean.xlsx"].read_bytes()[:3000])
    out("notes.txt").write_text("不是表格")

    if big:
        write_big_xlsx(out("big_20000.xlsx"))
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    for name, path in sorted(build(target).items()):
        print(f"{path.stat().st_size:>12,}  {name}")
