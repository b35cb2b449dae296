-- pos_lines rows from a typed POS export: one row per receipt line, with its row in the file.
-- A return (单据类型 退货, or a negative quantity or amount) is stored negative. Rows are inserted in file
-- order and the sales view numbers a receipt's lines in that order, so the load needs no grouping at all.
-- Receipt numbers restart per store: a row naming no store belongs to the default one.
-- `typed` (etl.temps.TYPED) is either the staged rows of a file that had bad ones, or (one pass) the CSV reader itself.
with lines as (
    select *, coalesce(doc_type like '%退%', false) or qty < 0 or net_rmb < 0 as is_return
    from {typed}
)
select
    _row,
    order_id,
    sold_at,
    code,
    product_name,
    case when is_return then -abs(qty) else qty end as qty,
    unit_price_rmb,
    discount_rmb,
    case when is_return then -abs(net_rmb) else net_rmb end as net_rmb,
    payment_method,
    is_return,
    coalesce(store, tpc_default_store()) as store,
    case when member_phone is not null
        then 'pos:' || sha256(k.opad || unhex(sha256(k.ipad || encode('pos:' || member_phone))))
    end as buyer_key
from lines
cross join {hmac_pads} as k
