"""Hostile and mislabelled files are refused before any parser reads them, with a clear message (SECURITY.md T5)."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangpai.imports import spreadsheet
from liangpai.imports.guards import FileRejected, Limits, check_xlsx
from liangpai.imports.services import IMPORT_COMMAND, check_import, run_import
from tests.imports.conftest import Counts
from tests.imports.make_corpus import write_xlsx_with_sheet_xml

BOMB = "文件解压后体积异常（疑似“压缩炸弹”），已拒绝。"
TOO_LARGE_SHEET = "工作表的范围过大（超过 59999 行或 100 列）。请删除多余的行列，或分成几个文件导入。"
NO_REFS = "工作表的单元格缺少位置标记，无法安全读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
REFUSED = {
    "zip_bomb.xlsx": BOMB,
    "ratio_bomb.xlsx": BOMB,
    "many_members.xlsx": "文件包含的内部文件过多（609 个，上限 200 个），疑似恶意文件，已拒绝。",
    "xml_entity.xlsx": "文件中含有 XML 实体或文档类型声明（DOCTYPE/ENTITY），可能是恶意文件，已拒绝。",
    "far_cell.xlsx": TOO_LARGE_SHEET,
    "far_cell.xls": TOO_LARGE_SHEET,
    "forged_dimensions.xls": TOO_LARGE_SHEET,
    "forged_shared_strings.xlsx": "文件中的共享字符串数量与内容不符，疑似恶意文件，已拒绝。",
    "cell_without_ref.xlsx": NO_REFS,
    "truncated.xlsx": "文件已损坏或不是有效的 .xlsx 工作簿。",
    "csv_named.xlsx": "文件内容与扩展名不符：扩展名是 .xlsx，内容却是 .csv 格式。请改正扩展名，或用 Excel 或 WPS 另存后再上传。",
    "xlsx_named.xls": "文件内容与扩展名不符：扩展名是 .xls，内容却是 .xlsx 格式。请改正扩展名，或用 Excel 或 WPS 另存后再上传。",
    "xls_named.xlsx": "文件内容与扩展名不符：扩展名是 .xlsx，内容却是 .xls 格式。请改正扩展名，或用 Excel 或 WPS 另存后再上传。",
    "html_named.xls": "文件扩展名是 .xls，内容却是网页（HTML/XML）表格。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。",
    "binary_named.csv": "文件内容与扩展名 .csv 不符，不是表格文件。",
    "notes.txt": "只支持 .xlsx、.xls 和 .csv 文件。",
}


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a refused file reaches the spreadsheet parser."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser was reached")

    monkeypatch.setattr(spreadsheet.CalamineWorkbook, "from_filelike", refuse)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_files_are_refused_before_parsing(
    world: object, corpus: dict[str, Path], counts: Callable[[], Counts], no_parsing: None, name: str
) -> None:
    before = counts()
    with pytest.raises(FileRejected) as refused:
        run_import(by=IMPORT_COMMAND, data=corpus[name].read_bytes(), filename=name)
    assert refused.value.message == REFUSED[name]
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused(
    world: object, corpus: dict[str, Path], settings: object, no_parsing: None
) -> None:
    settings.IMPORT_MAX_BYTES = 4096  # type: ignore[attr-defined]
    with pytest.raises(FileRejected) as refused:
        check_import(by=IMPORT_COMMAND, data=corpus["clean.xlsx"].read_bytes(), filename="clean.xlsx")
    assert refused.value.message == "文件太大（6 KB），上限为 4 KB。请分成几个文件导入。"


# Every way calamine accepts to write a far cell reference is caught (it reads all of these).
FAR_CELL_VARIANTS = {
    "single quotes": b"<row r='1'><c r='XFD1' t='n'><v>1</v></c></row>",
    "spaces around =": b'<row r="1"><c r = "XFD1" t="n"><v>1</v></c></row>',
    "line break before r": b'<row r="1"><c\nr="XFD1" t="n"><v>1</v></c></row>',
    "lower case": b'<row r="1"><c r="xfd1" t="n"><v>1</v></c></row>',
    "leading zeros": b'<row r="1"><c r="A0001048576" t="n"><v>1</v></c></row>',
    "row far, column near": b'<row r="1"><c r="A60000" t="n"><v>1</v></c></row>',
    "column CW": b'<row r="1"><c r="CW1" t="n"><v>1</v></c></row>',
    "r after another attribute": b'<row r="1"><c t="n" r="XFD1"><v>1</v></c></row>',
    "prefixed element": b'<row r="1"><x:c xmlns:x="urn:x" r="XFD1"><x:v>1</x:v></x:c></row>',
}
NEAR_CELL_VARIANTS = {
    "last allowed row": b'<row r="59999"><c r="A59999" t="n"><v>1</v></c></row>',
    "last allowed column": b'<row r="1"><c r="CV1" t="n"><v>1</v></c></row>',
}


def _sheet_with(cells: bytes) -> Callable[[bytes], bytes]:
    def transform(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", cells + b"</sheetData>")

    return transform


@pytest.mark.parametrize("variant", sorted(FAR_CELL_VARIANTS))
def test_far_cell_references_are_caught_however_they_are_written(
    tmp_path: Path, no_parsing: None, variant: str
) -> None:
    path = tmp_path / "far.xlsx"
    write_xlsx_with_sheet_xml(path, _sheet_with(FAR_CELL_VARIANTS[variant]))
    with pytest.raises(FileRejected) as refused:
        list(spreadsheet.read_tables(data=path.read_bytes(), filename=path.name))
    assert refused.value.message in (TOO_LARGE_SHEET, NO_REFS)


@pytest.mark.parametrize("variant", sorted(NEAR_CELL_VARIANTS))
def test_cells_within_the_limits_pass_the_guard(tmp_path: Path, variant: str) -> None:
    path = tmp_path / "near.xlsx"
    write_xlsx_with_sheet_xml(path, _sheet_with(NEAR_CELL_VARIANTS[variant]))
    check_xlsx(path.read_bytes(), Limits())  # does not raise


def test_utf16_xml_is_refused(tmp_path: Path, no_parsing: None) -> None:
    path = tmp_path / "utf16.xlsx"
    write_xlsx_with_sheet_xml(path, lambda xml: xml.decode().encode("utf-16"))
    with pytest.raises(FileRejected, match="不是 UTF-8 编码"):
        list(spreadsheet.read_tables(data=path.read_bytes(), filename=path.name))


def test_an_encrypted_zip_member_is_refused(corpus: dict[str, Path], no_parsing: None) -> None:
    data = bytearray(corpus["clean.xlsx"].read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        first = archive.infolist()[0]
    data[first.header_offset + 6] |= 0x1  # the "encrypted" flag in the local header …
    central = bytes(data).rfind(b"PK\x01\x02" + data[first.header_offset + 4 : first.header_offset + 6])
    data[central + 8] |= 0x1  # … and in the central directory
    with pytest.raises(FileRejected):
        check_import(by=IMPORT_COMMAND, data=bytes(data), filename="locked.xlsx")


# --- fuzzing: whatever the bytes, the reader says "no" politely or reads them (SECURITY.md T13) ---------


def _read_all(data: bytes, filename: str) -> None:
    try:
        tables = list(spreadsheet.read_tables(data=data, filename=filename))
    except FileRejected as refused:
        message = refused.message
    else:
        message = "read"
        assert all(isinstance(table.rows, list) for table in tables)
    assert message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096), extension=st.sampled_from([".xlsx", ".xls", ".csv"]))
def test_arbitrary_bytes_never_crash_the_reader(data: bytes, extension: str) -> None:
    _read_all(data, "fuzz" + extension)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_workbooks_never_crash_the_reader(corpus: dict[str, Path], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["clean.xlsx", "messy.xls", "messy_gbk.csv"]))
    original = bytearray(corpus[name].read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(original)))
    _read_all(bytes(original[:cut]), name)
