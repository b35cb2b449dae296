"""Sales targets (销售目标): one row per year or month, center or the whole network, and channel, in RMB."""
from etl import channels
from etl.formats.spec import Field, Format

FIRST_YEAR, LAST_YEAR = 2000, 2099   # the years the ETL believes anywhere (dates too)


def channel_names() -> dict[str, str]:
    """Every spelling 通路 may take, lower-cased, to its channel code: the code and its three labels."""
    names = {}
    for channel in channels.CHANNELS.values():
        for name in (channel.code, *channel.labels):
            names[name.lower()] = channel.code
    return names


def channel_sql() -> str:
    """SQL of the channel code a row's 通路 names (NULL when it names none), case-insensitive."""
    whens = " ".join(f"when '{name.replace(chr(39), chr(39) * 2)}' then '{code}'"
                     for name, code in channel_names().items())
    return f"case lower(channel_raw) {whens} end"


# a center code the warehouse does not know (the centers view: its centers file's, or the one implicit center)
UNKNOWN_CENTER_CHECK = ("center", "center is not null and center not in (select center from centers)",
                        "unknown_center")

FORMAT = Format(
    name="targets",
    label="销售目标",
    table="sales_targets",
    fields=(
        Field("year", ("年份", "年度"), kind="int", required_header=True, required_value=True),
        Field("month", ("月份", "月"), kind="int"),                     # empty: a target for the whole year
        Field("center", ("中心代码", "中心编码", "中心")),                # empty: the whole network
        Field("channel_raw", ("通路", "渠道", "销售通路"), required_header=True, required_value=True),
        Field("target_rmb", ("目标金额(元)", "目标金额", "目标"), kind="money", required_header=True,
              required_value=True),
    ),
    # one text key, with the year first (settle compares only the file's range of its first column): a yearly
    # or network target has no month or center, and a NULL would never equal the newer file's NULL
    group_key=("target_key",),
    derived=(
        ("channel", channel_sql()),
        ("target_key", "cast(year as varchar) || '|' || coalesce(cast(month as varchar), '') || '|' "
                       "|| coalesce(center, '') || '|' || channel"),
    ),
    checks=(
        ("year", f"year is not null and year not between {FIRST_YEAR} and {LAST_YEAR}", "implausible_year"),
        ("month", "month is not null and month not between 1 and 12", "bad_month"),
        ("channel_raw", "channel_raw is not null and channel is null", "unknown_channel"),
        ("target_rmb", "target_rmb < 0", "negative_target"),
        UNKNOWN_CENTER_CHECK,
    ),
    dedupe=True,
    amount="t.target_rmb",
)
