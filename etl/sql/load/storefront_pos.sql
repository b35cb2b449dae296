-- pos_lines rows from a typed POS export: one row per receipt line, numbered within the receipt.
-- A return (单据类型 退货, or a negative quantity or amount) is stored negative.
with receipts as (
    select order_id, min(_row) as first_row, max(_row) - min(_row) + 1 = count(*) as contiguous
    from typed
    group by order_id
),
lines as (
    select
        t.*,
        r.first_row,
        r.contiguous,
        coalesce(t.doc_type like '%退%', false) or t.qty < 0 or t.net_rmb < 0 as is_return
    from typed as t
    join receipts as r using (order_id)
),
numbered as (
    -- a receipt's lines sit together in an export: a line's number is its offset from the first
    select *, cast(_row - first_row + 1 as integer) as line_no from lines where contiguous
    union all by name
    -- a receipt split across the file is numbered in file order (a window, paid only by such receipts)
    select *, cast(row_number() over (partition by order_id order by _row) as integer) as line_no
    from lines where not contiguous
)
select
    _row,
    order_id,
    line_no,
    sold_at,
    code,
    product_name,
    case when is_return then -abs(qty) else qty end as qty,
    unit_price_rmb,
    discount_rmb,
    case when is_return then -abs(net_rmb) else net_rmb end as net_rmb,
    payment_method,
    is_return,
    store,
    case when member_phone is not null
        then 'pos:' || sha256(k.opad || unhex(sha256(k.ipad || encode('pos:' || member_phone))))
    end as buyer_key
from numbered
cross join hmac_pads as k
