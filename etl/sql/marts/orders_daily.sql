-- orders_daily: one row per day and channel: paid orders (receipts, Tmall orders, won deals), returns excluded.
create or replace table orders_daily as
select sale_date, channel, count(distinct order_id) as orders
from sales
where is_paid and status <> 'returned'
group by sale_date, channel
order by sale_date, channel
