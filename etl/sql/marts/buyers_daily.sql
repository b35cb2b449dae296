-- buyers_daily: one row per day, channel and buyer (buyer_key; NULL for buyers the export does not name) of paid
-- orders, returns excluded: the orders and what was paid for them. (Provisional: what buyers paid is the net
-- of their lines until the order-level paid amount lands.)
create or replace table buyers_daily as
select sale_date, channel, buyer_key, count(distinct (store_or_event, order_id)) as orders,
       cast(sum(net_rmb) as decimal(18, 2)) as paid_rmb
from sales
where is_paid and status <> 'returned'
group by all
order by sale_date, channel
