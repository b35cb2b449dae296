-- pos_lines rows from a typed POS export: one row per receipt line, with its row in the file.
-- A return (单据类型 退货, or a negative quantity or amount) is stored negative. Line numbers within a
-- receipt are given by the sales view (from file_row), so the load itself needs no grouping at all.
with lines as (
    select *, coalesce(doc_type like '%退%', false) or qty < 0 or net_rmb < 0 as is_return
    from typed
)
select
    _row,
    order_id,
    _row as file_row,
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
from lines
cross join hmac_pads as k
