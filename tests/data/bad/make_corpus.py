"""Write the hostile and broken export files of this folder (run it to regenerate them; tests/test_bad_files.py
says what each must do). The zip bomb is not kept here: tests build it with write_zip_bomb in a temp folder."""
from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from fixtures import ORDERS, POS, REGISTER  # noqa: E402


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", quote_all: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def pos_line(order_id: str, sold_at: str = "2020-01-05 10:00:00", net: str = "1.00", name: str = "凤梨酥礼盒") -> list[str]:
    return [order_id, sold_at, "4710000000011", name, "1", "1.00", "0", net, "现金", "", "", "销售"]


def xlsx_bytes(rows: list[list[object]], titles: list[str] = ()) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for title in titles:
        sheet.append([title])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_part(workbook: bytes, name: str, edit) -> bytes:
    """The workbook with one zip part rewritten by edit(bytes) -> bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, edit(data) if info.filename == name else data)
    return out.getvalue()


LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')


def with_doctype(sheet_xml: bytes) -> bytes:
    body = sheet_xml.split(b"?>", 1)[-1].lstrip()
    return LAUGHS + body.replace(b"<t>x</t>", b"<t>&lol3;</t>", 1)


def write_zip_bomb(path: Path, unpacked_mb: int = 64) -> Path:
    """A workbook whose sheet unpacks to unpacked_mb MiB of blanks (about 1000 to 1 packed)."""
    def pad(sheet_xml: bytes) -> bytes:
        head, tail = sheet_xml.rsplit(b"</worksheet>", 1)
        return head + b" " * (unpacked_mb << 20) + b"</worksheet>" + tail
    path.write_bytes(replace_part(xlsx_bytes(POS), "xl/worksheets/sheet1.xml", pad))
    return path


def corpus() -> dict[str, bytes]:
    """File name -> content."""
    pos = csv_bytes(POS)
    quoted = csv_bytes(POS, quote_all=True)
    orders_gbk = [ORDERS[0], [*ORDERS[1]], [*ORDERS[2]]]
    orders_gbk[1][0] = "4.01234567890123E+18"
    register_dates = [REGISTER[0]] + [[*REGISTER[3]] for _ in range(3)]
    for row, (start, company) in zip(register_dates[1:], [(dt.datetime(2020, 3, 1), "甲公司"), ("2020年3月1日", "乙公司"), (43891, "丙公司")]):
        row[1], row[2], row[4] = start, None, company
    return {
        "empty.csv": b"",
        "header_only.csv": csv_bytes(POS[:1]),
        "binary_junk.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "not_a_zip.xlsx": b"PK\x03\x04 this is not a workbook, only its first four bytes are",
        "truncated_row.csv": pos[: pos.rindex(b"-125.00")],
        "truncated_mid_character.csv": pos[: pos.rindex("退货".encode()) + 4],
        "truncated_in_quote.csv": quoted[: quoted.rindex("退货".encode()) + 4],
        "latin1.csv": "Référence,Désignation,Quantité,Montant\r\nA-1,Café moulu,2,12,50\r\n".encode("latin-1"),
        "shift_jis.csv": "ｼｮｳﾋﾝ,ｽｳﾘｮｳ\r\nｵﾁｬ,1\r\n".encode("shift_jis"),
        "utf16_bom.csv": csv_bytes(POS, "utf-16"),
        "gb18030_four_byte.csv": csv_bytes([POS[0], pos_line("G1", name="𠀀凤梨酥𪚥礼盒")], "gb18030"),
        "crlf_in_quotes.csv": csv_bytes([POS[0], pos_line("C1", name="凤梨酥\r\n礼盒")], "gbk"),
        "title_rows.xlsx": xlsx_bytes(POS, ["台湾商品中心 门店销售流水", "2020年1月 ・ 导出人：店长"]),
        "doctype_entities.xlsx": replace_part(xlsx_bytes([POS[0], pos_line("X1", name="x")]),
                                              "xl/worksheets/sheet1.xml", with_doctype),
        "ExportOrderList202101051030_mangled.csv": csv_bytes(orders_gbk, "gbk"),
        "fullwidth_and_symbols.csv": csv_bytes([POS[0]] + [
            pos_line(f"M{i}", net=net) for i, net in
            enumerate(["１２３，４５６．７８", "¥1,234.50", "￥1,234.50", "1,234.50元", "RMB1234.5"], start=1)]),
        "date_spellings.csv": csv_bytes([POS[0]] + [
            pos_line(f"D{i}", sold_at=when) for i, when in
            enumerate(["2020/3/1", "2020年3月1日", "43891", "2020/3/1 9:05", "２０２０年３月１日 9:05", "43891.375"], start=1)]),
        "date_spellings.xlsx": xlsx_bytes(register_dates),
        "ExportOrderList202101051030_duplicates.csv": csv_bytes(ORDERS + [ORDERS[1]], "gbk"),
    }


def main() -> None:
    for name, content in corpus().items():
        (HERE / name).write_bytes(content)
        print(f"{name}: {len(content):,} bytes")


if __name__ == "__main__":
    main()
