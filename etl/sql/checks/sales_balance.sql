-- sales_balance: one row per channel whose marts do not hold what its loaded source tables hold: lines and net
-- revenue. Empty when every line of every table reaches the dashboard exactly once; any row (a join that
-- multiplied or lost a line) fails the batch before it is published. The expected rows are one per registered
-- channel (channel, lines, net_rmb) from its Channel.balance, composed by etl/warehouse.py.
with expected as (
    {expected}
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
