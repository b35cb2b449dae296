-- sales_daily: one row per day, center, channel and product (brand, category, sku) of paid sales lines.
-- Rebuilt after every load; the dashboard reads it instead of the line-level sales view.
-- (No distinct order count here: at ten million lines it is four fifths of the build; orders per day and
-- channel are in orders_daily, and a product's lines stand for its orders in the detail table.)
create or replace table sales_daily as
select
    sale_date,
    center,
    channel,
    brand,
    category,
    sku,
    any_value(product_name) as product_name,
    count(*) as lines,
    sum(qty) as qty,
    cast(sum(gross_rmb) as decimal(18, 2)) as gross_rmb,
    cast(sum(refund_rmb) as decimal(18, 2)) as refund_rmb,
    cast(sum(net_rmb) as decimal(18, 2)) as net_rmb
from {sales}   -- the sales view (warehouse.build_marts reads the split channels' lines once for all three)
where is_paid
group by sale_date, center, channel, brand, category, sku
order by sale_date, center, channel
