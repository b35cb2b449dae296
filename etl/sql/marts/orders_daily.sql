-- orders_daily: one row per day, center and channel: paid orders (receipts, Tmall orders, won deals), returns
-- excluded. An order is its store (or shop, or fair) and its number: receipt numbers restart per store.
create or replace table orders_daily as
select sale_date, center, channel, count(distinct (store_or_event, order_id)) as orders
from {sales}   -- the sales view (warehouse.build_marts reads the split channels' lines once for all three)
where is_paid and status <> 'returned'
group by sale_date, center, channel
order by sale_date, center, channel
