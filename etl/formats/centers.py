"""The network's centers (中心资料): one row per center, its code the one `load --center` takes."""
from etl.formats.spec import Field, Format

FORMAT = Format(
    name="centers",
    label="中心资料",
    table="center_register",
    fields=(
        Field("center", ("中心代码", "中心编码"), required_header=True, required_value=True),
        Field("center_name", ("中心名称",), required_header=True, required_value=True),
        Field("city", ("城市", "所在城市")),
        Field("opened_on", ("开业日期",), kind="date"),
    ),
    group_key=("center",),
    dedupe=True,
)
