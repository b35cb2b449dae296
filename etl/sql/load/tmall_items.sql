-- tmall_items rows from a typed item report: one row per order line, numbered within the order.
select
    _row,
    order_id,
    cast(row_number() over (partition by order_id order by _row) as integer) as line_no,
    title,
    price_rmb,
    qty,
    external_code,
    sku_attrs,
    package,
    status_raw,
    merchant_code
from typed
