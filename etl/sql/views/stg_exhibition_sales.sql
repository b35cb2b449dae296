-- stg_exhibition_sales: one row per won exhibition lead, its deal amount dated by 成交日期.
create or replace view stg_exhibition_sales as
select
    center,
    'exhibition' as channel,
    lead_id as order_id,
    1 as line_no,
    cast(deal_date as timestamp) as sold_at,
    deal_date as sale_date,
    cast(null as varchar) as sku,
    cast(null as varchar) as product_name,
    brand_interest as brand,
    cast(null as varchar) as category,
    cast(1 as decimal(18, 3)) as qty,
    deal_amount_rmb as unit_price_rmb,
    deal_amount_rmb as gross_rmb,
    cast(0 as decimal(18, 2)) as refund_rmb,
    deal_amount_rmb as net_rmb,
    deal_amount_rmb as paid_rmb,
    'won' as status,
    'none' as product_status,          -- a deal is sold by brand, not by product
    true as is_paid,
    event as store_or_event,
    cast(null as varchar) as buyer_key,
    province,
    load_id
from lead_register
where stage = 'won'
