"""Tmall seller-center item report (宝贝报表, ExportOrderDetailList*.csv): one row per order line."""
from etl.formats.spec import Field, Format

FORMAT = Format(
    name="tmall_items",
    channel="tmall",
    label="天猫宝贝报表",
    table="tmall_items",
    fields=(
        Field("order_id", ("订单编号",), kind="order_id", required_header=True, required_value=True),
        Field("title", ("标题", "宝贝标题")),
        Field("price_rmb", ("价格", "单价"), kind="money", required_header=True, required_value=True),
        Field("qty", ("购买数量",), kind="qty", required_header=True, required_value=True),
        Field("external_code", ("外部系统编号",)),
        Field("sku_attrs", ("商品属性",)),
        Field("package", ("套餐信息",)),
        Field("status_raw", ("订单状态",)),
        Field("merchant_code", ("商家编码",)),
    ),
    group_key=("order_id",),
    amount="t.price_rmb * t.qty",
)
