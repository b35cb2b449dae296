-- sales_balance: one row per channel whose marts do not hold what its loaded source tables hold: lines and net
-- revenue. Empty when every line of every table reaches the dashboard exactly once; any row (a join that
-- multiplied or lost a line) fails the batch before it is published.
with expected as (
    select 'storefront' as channel, count(*) as lines, coalesce(sum(net_rmb), 0) as net_rmb from pos_lines
    union all
    select 'exhibition', count(*), coalesce(sum(deal_amount_rmb), 0) from lead_register where stage = 'won'
    union all
    -- a paid order is one sales line per item line, or one line when its item report is not loaded
    select 'tmall', coalesce(sum(greatest(coalesce(i.lines, 0), 1)), 0), coalesce(sum(o.goods_rmb - least(o.refund_rmb, o.goods_rmb)), 0)
    from tmall_orders as o
    left join (select order_id, count(*) as lines from tmall_items group by order_id) as i using (order_id)
    where o.paid_at is not null
),
marts as (
    select channel, sum(lines) as lines, coalesce(sum(net_rmb), 0) as net_rmb from sales_daily group by channel
)
select
    e.channel,
    e.lines as source_lines,
    coalesce(m.lines, 0) as mart_lines,
    e.net_rmb as source_net_rmb,
    coalesce(m.net_rmb, 0) as mart_net_rmb
from expected as e
left join marts as m using (channel)
where e.lines <> coalesce(m.lines, 0) or e.net_rmb <> coalesce(m.net_rmb, 0)
