-- tmall_items rows from a typed item report: one row per order line, numbered within the order.
with orders as (
    select order_id, min(_row) as first_row, max(_row) - min(_row) + 1 = count(*) as contiguous
    from {typed}
    group by order_id
),
lines as (
    select t.*, o.first_row, o.contiguous
    from {typed} as t
    join orders as o using (order_id)
),
numbered as (
    -- an order's lines sit together in the report: a line's number is its offset from the first
    select *, cast(_row - first_row + 1 as integer) as line_no from lines where contiguous
    union all by name
    select *, cast(row_number() over (partition by order_id order by _row) as integer) as line_no
    from lines where not contiguous
)
select
    _row,
    order_id,
    line_no,
    title,
    price_rmb,
    qty,
    external_code,
    sku_attrs,
    package,
    status_raw,
    merchant_code
from numbered
