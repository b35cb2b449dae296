"""The network's centers (中心资料): one row per center, its code the one `load --center` takes."""
from etl.formats.spec import Field, Format

# a code names the center's folders in the lake (percent-encoded: 9 bytes a Chinese character), and a file system
# allows 255 bytes a name: 60 bytes is 60 letters and digits, or 20 Chinese characters
MAX_CODE_BYTES = 60

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
    checks=(("center", f"strlen(center) > {MAX_CODE_BYTES}", "center_code_too_long"),),
    dedupe=True,
)
