"""Reject reason codes and their plain-language explanation (the dashboard translates the codes)."""
from etl import channels

REASONS = {
    "missing_value": "required value is empty",
    "bad_money": "not an amount of money (expected e.g. 1,234.50: commas only between thousands, no scientific notation)",
    "money_not_exact": "more than two decimal places (e.g. 0.005): not exact to the fen, so it is not rounded but refused",
    "implausible_amount": "1,000,000,000,000.00 or more: not a plausible amount for one line",
    "bad_qty": "not a quantity (at most three decimals, commas only between thousands)",
    "bad_int": "not a whole number",
    "bad_timestamp": "not a date and time (expected e.g. 2020-03-01 09:05:00 or 2020/3/1 9:05)",
    "bad_date": "not a date (expected e.g. 2020-03-01)",
    "bad_order_id": "not an order number",
    "excel_mangled_id": "order number was turned into a rounded number by Excel (e.g. 4.01234567890123E+18); "
                        "unrecoverable: re-export the file and keep the column as text",
    "unknown_stage": "洽谈状态 is not one of 初步接洽 / 洽谈中 / 已成交 / 未成交",
    "won_without_amount": "已成交 lead without 成交金额",
    "won_without_date": "已成交 lead without 成交日期",
    "refund_exceeds_goods": "退款金额 is larger than 买家应付货款 and 买家应付邮费 together",
    "negative_goods": "买家应付货款 is negative",
    "negative_refund": "退款金额 is negative",
    "negative_deal": "成交金额 is negative",
    "future_date": "dated after the load (a typo such as 2092?): a sale or meeting cannot lie in the future",
    "field_too_long": "a cell holds more than 131,072 characters: not a value of an export",
    "duplicate_row": "the same key appears earlier in this file",
    "malformed_row": "the row has the wrong number of columns, is cut off, or holds bytes that are not text",
    "unclosed_quote": "a quote opened in this row is never closed, so the row swallowed the rows after it; the rows after it are read on their own",
    "implausible_year": "年份 is not a year from 2000 to 2099",
    "bad_month": "月份 is not a month from 1 to 12 (leave it empty for a yearly target)",
    "unknown_channel": "通路 is not a channel; known: " + "; ".join(
        f"{c.code} ({' / '.join(c.labels)})" for c in channels.CHANNELS.values()),
    "negative_target": "目标金额 is negative",
    "center_code_too_long": "中心代码 is longer than 60 bytes (20 Chinese characters, or 60 letters and digits): "
                            "a code, not a name (中心名称 holds the name)",
    "unknown_center": "中心代码 is not a center of the Center (leave it empty for the whole network)",
    "wrong_encoding": "this row is written in another text encoding than the rest of the file (UTF-8 inside a GBK file)",
}


def reason_text(code: str) -> str:
    return REASONS.get(code, code)
