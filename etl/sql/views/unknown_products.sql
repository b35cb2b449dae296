-- unknown_products: one row per center, channel and product code that sold but is missing from the product master.
create or replace view unknown_products as
select
    center,
    channel,
    sku as code,
    any_value(product_name) as product_name,
    count(*) as lines,
    cast(sum(net_rmb) as decimal(18, 2)) as net_rmb,
    min(sale_date) as first_sold,
    max(sale_date) as last_sold
from sales
where product_status = 'unknown'
group by center, channel, sku
