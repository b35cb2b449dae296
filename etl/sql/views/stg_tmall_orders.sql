-- stg_tmall_orders: one row per Tmall order (订单报表), renamed and cast into the orders that int_order_lines
-- splits over their lines. Its goods exclude postage; a refund above the goods refunded postage too, so the
-- goods' refund is at most the goods. paid_rmb is what the buyer paid (买家实际支付金额, postage included,
-- refunds not deducted), else the order's total, else its goods and postage; zero for an unpaid order.
create or replace view stg_tmall_orders as
select
    center,
    'tmall' as channel,
    order_id,
    title,
    goods_rmb,
    item_count,
    least(refund_rmb, goods_rmb) as goods_refund_rmb,
    cast(case when paid_at is not null
        then coalesce(paid_rmb, total_rmb, goods_rmb + coalesce(postage_rmb, 0))
        else 0
    end as decimal(18, 2)) as paid_rmb,
    paid_at is not null as is_paid,
    coalesce(paid_at, created_at) as sold_at,
    status,
    shop_name as store_or_event,
    buyer_key,
    province,
    load_id
from tmall_orders
