-- int_order_lines: one row per order line of every channel that exports orders and their lines apart
-- (etl/channels.py: Channel.order_lines names its two staging views). An order's goods and goods refund are
-- split over its lines by price × quantity to the cent (largest remainder), so the lines sum exactly to the
-- order, whatever the signs (a discount line has a negative price): shares are floored toward minus infinity and
-- the leftover cents go to the largest remainders, ties broken by the line's content, never by its place in the
-- file. An order whose lines weigh nothing (or less) is split evenly. Unpaid orders count zero. An order whose
-- lines are not loaded yet stands as one line; lines whose order is not loaded count zero with status
-- 'order_missing'. paid_rmb, what the buyer paid for the whole order, stands on its first line (zero on the
-- others), so a sum over an order's lines is the order's.
-- Natural key: center + channel + order_id + line_no. Its orders and items are the unions of the channels'
-- staging views, composed by etl/warehouse.py.
create or replace view int_order_lines as
with orders as (
    {orders}
),
items as (
    {items}
),
lines as (
    select
        i.*,
        -- price in cents times quantity in thousandths: a fractional quantity (sold by weight) weighs what it is
        cast(round(i.price_rmb * 100) as hugeint) * cast(round(i.qty * 1000) as hugeint) as weight
    from items as i
),
order_lines as (
    -- orders with their lines; an order without lines stands as a single line
    select
        o.center,
        o.channel,
        o.order_id,
        coalesce(l.line_no, 1) as line_no,
        coalesce(l.title, o.title) as title,
        coalesce(l.price_rmb, o.goods_rmb) as price_rmb,
        coalesce(l.qty, o.item_count, 1) as qty,
        l.code,
        coalesce(l.weight, 1) as weight,
        case when o.is_paid then cast(o.goods_rmb * 100 as hugeint) else 0 end as goods_cents,
        case when o.is_paid then cast(o.goods_refund_rmb * 100 as hugeint) else 0 end as refund_cents,
        o.paid_rmb as order_paid_rmb,
        o.is_paid,
        o.sold_at,
        o.status,
        o.store_or_event,
        o.buyer_key,
        o.province,
        greatest(o.load_id, coalesce(l.load_id, o.load_id)) as load_id,
        l.item_row
    from orders as o
    left join lines as l on l.order_id = o.order_id and l.center = o.center and l.channel = o.channel
),
totals as (
    select center, channel, order_id, sum(weight) as order_weight, count(*) as order_lines
    from order_lines
    group by center, channel, order_id
),
weighted as (
    -- lines that weigh nothing in all (or less) share evenly
    select o.*,
           case when t.order_weight > 0 then o.weight else 1 end as share,
           case when t.order_weight > 0 then t.order_weight else t.order_lines end as shares
    from order_lines as o
    join totals as t using (center, channel, order_id)
),
floors as (
    -- shares > 0, so a remainder below zero (DuckDB's // truncates toward zero) means one less
    select
        *,
        (goods_cents * share) // shares - case when (goods_cents * share) % shares < 0 then 1 else 0 end as goods_floor,
        (refund_cents * share) // shares - case when (refund_cents * share) % shares < 0 then 1 else 0 end as refund_floor
    from weighted
),
rests as (
    select *, goods_cents * share - shares * goods_floor as goods_rest, refund_cents * share - shares * refund_floor as refund_rest
    from floors
),
leftovers as (
    -- the cents an order's floors leave over: only an order split unevenly has any
    select
        center, channel, order_id,
        any_value(goods_cents) - sum(goods_floor) as goods_left,
        any_value(refund_cents) - sum(refund_floor) as refund_left
    from rests
    group by center, channel, order_id
    having goods_left <> 0 or refund_left <> 0
),
extras as (
    -- one cent more for each of the lines with the largest remainders (ranked only in uneven orders, a
    -- small share of all: ranking every line cost more than the rest of the view together)
    select
        f.center,
        f.channel,
        f.order_id,
        f.item_row,
        row_number() over (partition by f.center, f.channel, f.order_id
                           order by f.goods_rest desc, f.code, f.title, f.price_rmb, f.qty, f.line_no)
            <= l.goods_left as goods_extra,
        row_number() over (partition by f.center, f.channel, f.order_id
                           order by f.refund_rest desc, f.code, f.title, f.price_rmb, f.qty, f.line_no)
            <= l.refund_left as refund_extra
    from rests as f
    join leftovers as l using (center, channel, order_id)
),
allocated as (
    select
        f.*,
        f.goods_floor + case when e.goods_extra then 1 else 0 end as goods_alloc_cents,
        f.refund_floor + case when e.refund_extra then 1 else 0 end as refund_alloc_cents
    from rests as f
    -- one line each: a line by its row (an order without lines is one line and never uneven)
    left join extras as e
        on e.order_id = f.order_id and e.center = f.center and e.channel = f.channel
        and coalesce(e.item_row, -1) = coalesce(f.item_row, -1)
)
select
    center, channel, order_id, line_no, title, price_rmb, qty, code, is_paid, sold_at, status, store_or_event,
    buyer_key, province, load_id,
    cast(cast(goods_alloc_cents as decimal(18, 0)) * 0.01 as decimal(18, 2)) as gross_rmb,
    cast(cast(refund_alloc_cents as decimal(18, 0)) * 0.01 as decimal(18, 2)) as refund_rmb,
    cast(case when line_no = 1 then order_paid_rmb else 0 end as decimal(18, 2)) as paid_rmb
from allocated
union all
select
    l.center, l.channel, l.order_id, l.line_no, l.title, l.price_rmb, l.qty, l.code, false, null, 'order_missing',
    null, null, null, l.load_id, 0, 0, 0
from lines as l
where not exists (
    select 1 from orders as o where o.order_id = l.order_id and o.center = l.center and o.channel = l.channel
)
