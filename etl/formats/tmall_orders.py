"""Tmall seller-center order report (订单报表, ExportOrderList*.csv): one row per order."""
from etl.formats.spec import Field, Format

# how far along its life an order is, from its status as loaded (etl/sql/load/tmall_orders.sql)
LIFECYCLE = ("case t.status when 'unpaid' then 0 when 'other' then 0 when 'paid' then 1 when 'shipped' then 2 "
             "when 'completed' then 3 when 'closed' then 4 end")

FORMAT = Format(
    name="tmall_orders",
    channel="tmall",
    label="天猫订单报表",
    table="tmall_orders",
    fields=(
        Field("order_id", ("订单编号",), kind="order_id", required_header=True, required_value=True),
        Field("buyer_nick", ("买家会员名",), personal=True),
        Field("goods_rmb", ("买家应付货款",), kind="money", required_header=True, required_value=True),
        Field("postage_rmb", ("买家应付邮费",), kind="money"),
        Field("total_rmb", ("总金额",), kind="money"),
        Field("paid_rmb", ("买家实际支付金额", "买家实付金额"), kind="money"),
        Field("status_raw", ("订单状态",), required_header=True, required_value=True),
        Field("address", ("收货地址",), personal=True),
        Field("created_at", ("订单创建时间",), kind="timestamp", required_header=True, required_value=True,
              not_after_load=True),
        Field("paid_at", ("订单付款时间",), kind="timestamp", required_header=True, not_after_load=True),
        Field("title", ("宝贝标题",)),
        Field("item_count", ("宝贝总数量",), kind="int"),
        Field("shop_name", ("店铺名称",)),
        Field("close_reason", ("订单关闭原因",)),
        Field("refund_rmb", ("退款金额",), kind="money"),
    ),
    group_key=("order_id",),
    checks=(
        ("goods_rmb", "goods_rmb < 0", "negative_goods"),
        ("refund_rmb", "refund_rmb < 0", "negative_refund"),
        ("refund_rmb", "goods_rmb >= 0 and refund_rmb >= 0 and refund_rmb > goods_rmb + coalesce(postage_rmb, 0)",
         "refund_exceeds_goods"),
    ),
    dedupe=True,
    one_pass=True,
    amount="t.goods_rmb",
    # an order only moves forward in its life (unpaid, paid, shipped, then completed or closed) and its refund
    # only grows: whichever export is loaded last, and whatever its name says, the furthest version stands; at
    # one stage and refund, the newer export (a price changed before payment), then the content decides
    precedence=f"struct_pack(stage := {LIFECYCLE}, refund := t.refund_rmb, paid := t.paid_at is not null, "
               "exported := l.exported_at, version := md5(concat_ws('|', t.status_raw, t.paid_at, t.goods_rmb, t.postage_rmb, t.paid_rmb, "
               "t.close_reason, t.province, t.city, t.title, t.shop_name)))",
    never_shrinks=("refund_rmb",),
)
