"""Files in the expected formats for the Center's staff to fill in (python -m etl template KIND): one
example row, and a note on every column.

The example row is a real row that loads (a fresh template loads as one row, never an error); its
values say 示例 / EXAMPLE so it is plain to see and to delete. A CSV can hold nothing else without a row
the loader would read, so its notes are printed by the command; an XLSX also carries each note as a
comment on its header cell and lists them all on a second sheet (the loader reads the first sheet only).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from etl import channels, config
from etl.formats import FORMATS

TEMPLATES = {
    "register": "exhibition_register",
    "master": "product_master",
    "pos": "storefront_pos",
    "targets": "targets",
    "centers": "centers",
}
SUFFIXES = (".xlsx", ".csv")
CONTACT_COLUMNS = {"exhibition_register": ("联系人", "联系电话", "职位")}
REQUIRED, OPTIONAL = "必填", "选填"
DELETE_ME = "（示例，填写前请删除此行）"

# column -> (example value, note), in the words of the staff who fill the file in
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "product_master": {
        "商家编码": ("EXAMPLE-001", "商品的唯一编码（货号），销售流水与天猫报表以此对应商品；不可重复"),
        "商品条码": ("4710000000000", "69/471 开头的 EAN-13 条码，以文字保存，勿让 Excel 变成科学计数法"),
        "商品名称": ("示例凤梨酥礼盒" + DELETE_ME, "商品的中文名称"),
        "品牌": ("示例品牌", "品牌名称；同一品牌每次写法要一致"),
        "品类": ("糕点", "如 茶叶、糕点、零食、调味酱料、酒类、美妆个护、保健食品、生活家居"),
        "规格": ("12入", "包装规格，如 150g、12入"),
        "零售价": ("128.00", "建议零售价，单位元，可写 128、128.00 或 ¥128"),
    },
    "centers": {
        "中心代码": ("EX", "中心的代码（英文字母或数字，如 SH），载入销售资料时以 --center 指定；不可重复"),
        "中心名称": ("示例中心" + DELETE_ME, "中心的全称"),
        "城市": ("上海", "中心所在城市"),
        "开业日期": ("2021-01-01", "年-月-日，可留空"),
    },
    "storefront_pos": {
        "销售单号": ("EXAMPLE-0001", "收银小票号；同一张小票的多行商品写同一个单号"),
        "销售时间": ("2021-01-05 10:30:00", "年-月-日 时:分:秒，也接受 2021/1/5 10:30"),
        "商品条码": ("EXAMPLE-001", "商品资料中的商家编码或商品条码"),
        "商品名称": ("示例凤梨酥礼盒" + DELETE_ME, "可留空，以商品资料为准"),
        "数量": ("2", "件数，散装称重商品可写小数（如 1.25）；退货写负数"),
        "单价": ("128.00", "单价，单位元"),
        "折扣金额": ("0.00", "本行优惠金额，单位元，可留空"),
        "实收金额": ("256.00", "本行实收金额，单位元；计算营收以此为准；退货写负数"),
        "支付方式": ("微信支付", "如 微信支付、支付宝、现金、银行卡"),
        "单据类型": ("销售", "销售 或 退货"),
        "门店": ("台湾商品中心", "门店名称"),
        "会员手机": ("", "可留空；不会保存号码本身，只保存无法还原的加密摘要，用于计算回购"),
    },
    "exhibition_register": {
        "展会名称": ("示例展会" + DELETE_ME, "展会的全称，同一展会每行写法一致"),
        "展会开始日期": ("2021-05-20", "年-月-日"),
        "展会结束日期": ("2021-05-23", "年-月-日，可留空"),
        "城市": ("上海", "展会所在城市"),
        "企业名称": ("示例贸易有限公司", "洽谈企业的全称；每家企业一行"),
        "联系人": ("", "供业务跟进，不会载入数据仓库"),
        "联系电话": ("", "供业务跟进，不会载入数据仓库"),
        "职位": ("", "供业务跟进，不会载入数据仓库"),
        "所属行业": ("食品贸易", "企业所属行业"),
        "省份": ("上海", "企业所在省份"),
        "意向品牌": ("示例品牌", "企业有兴趣的品牌，与商品资料的品牌写法一致"),
        "洽谈状态": ("已成交", "初步接洽、洽谈中、已成交、未成交 四选一"),
        "成交金额(元)": ("50000.00", "已成交时填写，单位元"),
        "成交日期": ("2021-06-10", "已成交时填写，年-月-日"),
        "跟进人": ("陈晓", "负责跟进的同事"),
    },
    "targets": {
        "年份": ("2021", "目标所属年份，如 2021"),
        "月份": ("1", "1 到 12；留空表示全年目标"),
        "中心代码": (config.DEFAULT_CENTER, "中心资料中的中心代码（未载入中心资料时为 TPC）；留空表示全网（所有中心合计）的目标"),
        "通路": (channels.codes()[0], "、".join(channels.codes()) + " 之一，或写通路名称："
                 + "、".join(c.labels[1] for c in channels.CHANNELS.values()) + "（繁体、英文亦可）"),
        "目标金额(元)": ("100000.00", "目标营收，单位元，不可为负；同一年份、月份、中心与通路只写一行，新文件会取代旧的同一目标"),
    },
}


class TemplateError(ValueError):
    """A template asked for in a file type it cannot be written as."""


def header(kind: str) -> list[str]:
    """The template's columns: each field's canonical header, contacts where the paper form has them."""
    fmt = FORMATS[TEMPLATES[kind]]
    names = [f.headers[0] for f in fmt.fields]
    if fmt.name == "exhibition_register":
        # the register keeps its contact columns for the sales team; the ETL never loads them
        at = names.index("企业名称") + 1
        names[at:at] = list(CONTACT_COLUMNS[fmt.name])
    return names


def example(kind: str) -> list[str]:
    columns = COLUMNS[TEMPLATES[kind]]
    return [columns[name][0] for name in header(kind)]


def notes(kind: str) -> list[tuple[str, str, str]]:
    """(column, 必填 / 选填, note) for every column of the template."""
    fmt = FORMATS[TEMPLATES[kind]]
    required = {f.headers[0] for f in fmt.fields if f.required_header}
    columns = COLUMNS[fmt.name]
    return [(name, REQUIRED if name in required else OPTIONAL, columns[name][1]) for name in header(kind)]


def default_out(kind: str) -> Path:
    return Path(f"{kind}.xlsx")


def write(kind: str, out: Path) -> None:
    """The template as XLSX or CSV, by out's extension; any other extension is refused, nothing written."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise TemplateError(f"{out}: a template is written as {' or '.join(SUFFIXES)}, not {suffix or 'a file without extension'}")
    (write_xlsx if suffix == ".xlsx" else write_csv)(kind, out)


def write_csv(kind: str, out: Path) -> None:
    """UTF-8 with BOM (Excel on a Chinese Windows opens it right), CRLF, header and the example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(kind))
    writer.writerow(example(kind))
    out.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def write_xlsx(kind: str, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = FORMATS[TEMPLATES[kind]].label
    sheet.append(header(kind))
    sheet.append(example(kind))
    for cell, (name, need, note) in zip(sheet[1], notes(kind)):
        cell.font = Font(bold=True, color="C8102E" if need == REQUIRED else None)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.comment = Comment(f"{need}：{note}", "台湾商品中心", width=260, height=110)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) * 2 + 2)
    for cell in sheet[2]:
        cell.number_format = "@"                      # codes and dates stay text as typed
        cell.font = Font(italic=True, color="808080")  # the example row, to be replaced
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "必填", "说明", "示例"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for (name, need, note), value in zip(notes(kind), example(kind)):
        guide.append([name, need, note, value])
    guide.append([])
    guide.append(["第一张工作表的第 2 行是示例，会被当作真实资料载入：填写前请删除或改写它。"])
    for letter, width in zip("ABCD", (16, 8, 70, 30)):
        guide.column_dimensions[letter].width = width
    workbook.save(out)
