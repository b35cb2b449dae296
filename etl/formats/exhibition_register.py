"""Exhibition lead register (展会客户登记表): one row per company met at a trade fair."""
from etl.formats.spec import Field, Format

STAGES = {"初步接洽": "contacted", "洽谈中": "negotiating", "已成交": "won", "未成交": "lost"}

FORMAT = Format(
    name="exhibition_register",
    channel="exhibition",
    label="展会客户登记表",
    table="lead_register",
    fields=(
        Field("event", ("展会名称",), required_header=True, required_value=True),
        Field("event_start", ("展会开始日期", "开始日期"), kind="date", required_header=True, required_value=True,
              not_after_load=True),
        Field("event_end", ("展会结束日期", "结束日期"), kind="date"),
        Field("city", ("城市", "展会城市")),
        Field("company", ("企业名称", "公司名称", "客户名称"), required_header=True, required_value=True),
        Field("industry", ("所属行业", "行业")),
        Field("province", ("省份", "所在省份")),
        Field("brand_interest", ("意向品牌",)),
        Field("stage_raw", ("洽谈状态", "状态"), required_header=True, required_value=True),
        # a deal's amount and date count for a won lead only (the load drops them otherwise): a 待定 on a lead still
        # in talks loses nothing
        Field("deal_amount_rmb", ("成交金额(元)", "成交金额"), kind="money", only_when="stage = 'won'"),
        Field("deal_date", ("成交日期",), kind="date", not_after_load=True, only_when="stage = 'won'"),
        Field("owner", ("跟进人", "负责人")),
    ),
    group_key=("lead_id",),
    derived=(
        ("stage", "case stage_raw " + " ".join(f"when '{zh}' then '{en}'" for zh, en in STAGES.items()) + " end"),
        ("lead_id", "'L' || substr(md5(event || '|' || cast(event_start as varchar) || '|' || company), 1, 12)"),
    ),
    checks=(
        ("stage_raw", "stage_raw is not null and stage is null", "unknown_stage"),
        ("deal_amount_rmb", "stage = 'won' and deal_amount_rmb is null", "won_without_amount"),
        ("deal_date", "stage = 'won' and deal_date is null", "won_without_date"),
        ("deal_amount_rmb", "stage = 'won' and deal_amount_rmb < 0", "negative_deal"),
    ),
    dedupe=True,
    amount="t.deal_amount_rmb",
)
