-- buyers_daily: one row per day, center, channel and buyer (buyer_key) of paid orders, returns excluded as in
-- orders_daily; the orders of buyers without a key (a walk-in without a member phone, a fair's deal) are one row
-- with buyer_key NULL. orders counts the buyer's distinct orders (store or shop or fair, and number); paid_rmb is
-- what they paid (生意参谋's 支付金额): a Tmall order's 买家实际支付金额 (postage included, refunds not deducted;
-- else its total, else goods and postage), a receipt's net over its sold lines, a won deal's amount.
-- Per-buyer figures (客单价 = paid_rmb / buyers) come from here; a day's buyers are its rows with a key.
create or replace table buyers_daily as
select
    sale_date,
    center,
    channel,
    buyer_key,
    count(distinct (store_or_event, order_id)) as orders,
    cast(sum(paid_rmb) as decimal(18, 2)) as paid_rmb
from {sales}   -- the sales view (warehouse.build_marts reads the split channels' lines once for all three)
where is_paid and status <> 'returned'
group by sale_date, center, channel, buyer_key
order by sale_date, center, channel, buyer_key
