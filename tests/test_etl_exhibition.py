"""Exhibition lead registers: XLSX with a title row, stage mapping, won leads as sales."""
import datetime as dt
from decimal import Decimal

from conftest import load, rows, write_csv, write_xlsx
from fixtures import REGISTER


def test_register_with_title_row_loads_leads_without_contacts(con, tmp_path):
    result = load(con, write_xlsx(tmp_path / "register.xlsx", REGISTER, title="2020年展会客户登记表"))
    assert (result.status, result.format, result.rows_loaded) == ("loaded", "exhibition_register", 3)
    assert rows(con, "select company, stage, deal_amount_rmb, deal_date from leads order by company") == [
        ("上海望海食品有限公司", "lost", None, None),
        ("杭州东方贸易有限公司", "won", Decimal("120000.00"), dt.date(2020, 12, 1)),
        ("苏州禾丰商贸有限公司", "negotiating", None, None),
    ]


def test_won_lead_is_a_sales_line_dated_by_deal_date(con, tmp_path):
    load(con, write_xlsx(tmp_path / "register.xlsx", REGISTER))
    assert rows(con, "select channel, sale_date, brand, net_rmb, store_or_event from sales") == [
        ("exhibition", dt.date(2020, 12, 1), "宝岛酥坊", Decimal("120000.00"), "中国国际进口博览会")]


def test_unknown_stage_and_won_without_amount_are_rejected(con, tmp_path):
    bad = [REGISTER[0], [*REGISTER[1]], [*REGISTER[2]]]
    bad[1][12] = ""
    bad[2][11] = "已签约"
    result = load(con, write_csv(tmp_path / "register.csv", bad, "gbk"))
    assert (result.rows_loaded, result.rows_rejected) == (0, 2)
    assert rows(con, "select row_no, column_name, reason from rejects order by row_no") == [
        (2, "成交金额(元)", "won_without_amount"), (3, "洽谈状态", "unknown_stage")]


def test_repeated_company_at_the_same_event_is_a_duplicate_row(con, tmp_path):
    result = load(con, write_xlsx(tmp_path / "register.xlsx", REGISTER + [REGISTER[1]]))
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(5, "duplicate_row", "same as row 2")]
