-- stg_storefront_sales: one row per POS receipt line, matched to the master by barcode or merchant code through
-- product_codes (unique on code: a shared barcode never multiplies a sale). A receipt is (center, store, order_id).
-- gross is what was sold, refund what was returned; net = gross - refund = 实收金额; paid is the net (a receipt's
-- lines sum to what its buyer paid).
-- line_no numbers a receipt's lines in the order of its export: a load inserts a file's rows in file order
-- (DuckDB keeps insertion order, and row ids follow it), so the order is (load_id, rowid).
create or replace view stg_storefront_sales as
with matched as (
    select
        l.*,
        cast(row_number() over (partition by l.center, l.store, l.order_id order by l.load_id, l.rowid) as integer) as line_no,
        c.sku as master_sku,
        p.product_name as master_name,
        c.brand,
        c.category,
        case when c.ambiguous then 'ambiguous' when c.code is null then 'unknown' else 'matched' end as product_status
    from pos_lines as l
    left join product_codes as c on c.code = l.code
    left join product_master as p on p.sku = c.sku
)
select
    center,
    'storefront' as channel,
    order_id,
    line_no,
    sold_at,
    cast(sold_at as date) as sale_date,
    coalesce(master_sku, code) as sku,
    coalesce(master_name, product_name) as product_name,
    brand,
    category,
    qty,
    unit_price_rmb,
    case when is_return then cast(0 as decimal(18, 2)) else net_rmb end as gross_rmb,
    case when is_return then -net_rmb else cast(0 as decimal(18, 2)) end as refund_rmb,
    net_rmb,
    net_rmb as paid_rmb,
    case when is_return then 'returned' else 'completed' end as status,
    product_status,
    true as is_paid,
    store as store_or_event,
    buyer_key,
    cast(null as varchar) as province,
    load_id
from matched
