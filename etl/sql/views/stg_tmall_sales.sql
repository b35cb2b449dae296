-- stg_tmall_sales: one row per Tmall order line, from the split of int_order_lines (goods, postage excluded,
-- and refunds over the lines to the cent), matched to the master by merchant code through product_codes.
create or replace view stg_tmall_sales as
select
    s.center,
    s.channel,
    s.order_id,
    s.line_no,
    s.sold_at,
    cast(s.sold_at as date) as sale_date,
    coalesce(c.sku, s.code) as sku,
    coalesce(p.product_name, s.title) as product_name,
    c.brand,
    c.category,
    s.qty,
    s.price_rmb as unit_price_rmb,
    s.gross_rmb,
    s.refund_rmb,
    cast(s.gross_rmb - s.refund_rmb as decimal(18, 2)) as net_rmb,
    s.paid_rmb,
    s.status,
    case when c.ambiguous then 'ambiguous' when c.code is null then 'unknown' else 'matched' end as product_status,
    s.is_paid,
    s.store_or_event,
    s.buyer_key,
    s.province,
    s.load_id
from int_order_lines as s
left join product_codes as c on c.code = s.code
left join product_master as p on p.sku = c.sku
where s.channel = 'tmall'
