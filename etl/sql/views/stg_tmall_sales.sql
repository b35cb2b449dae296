-- stg_tmall_sales: one row per Tmall order line. A paid order's goods (买家应付货款, postage excluded) and
-- refund (退款金额) are split over its lines by 价格 × 购买数量 to the cent (largest remainder), so the
-- lines sum exactly to the order, whatever the signs (a discount line has a negative price): shares are floored
-- toward minus infinity and the leftover cents go to the largest remainders, ties broken by the line's content,
-- never by its place in the file. An order whose lines weigh nothing (or less) is split evenly. Unpaid orders count zero. An order whose item report is not loaded
-- yet stands as one line; items whose order report is not loaded count zero with status 'order_missing'.
create or replace view stg_tmall_sales as
with lines as (
    select
        i.order_id,
        i.line_no,
        i.title,
        i.price_rmb,
        i.qty,
        coalesce(i.merchant_code, i.external_code) as code,
        -- price in cents times quantity in thousandths: a fractional 购买数量 (sold by weight) weighs what it is
        cast(round(i.price_rmb * 100) as hugeint) * cast(round(i.qty * 1000) as hugeint) as weight,
        i.load_id,
        i.rowid as item_row
    from tmall_items as i
),
order_lines as (
    -- orders with their item lines; an order without item lines stands as a single line
    select
        o.order_id,
        coalesce(l.line_no, 1) as line_no,
        coalesce(l.title, o.title) as title,
        coalesce(l.price_rmb, o.goods_rmb) as price_rmb,
        coalesce(l.qty, o.item_count, 1) as qty,
        l.code,
        coalesce(l.weight, 1) as weight,
        case when o.paid_at is not null then cast(o.goods_rmb * 100 as hugeint) else 0 end as goods_cents,
        -- a refund above the goods refunded postage too: the goods' refund is at most the goods
        case when o.paid_at is not null then cast(least(o.refund_rmb, o.goods_rmb) * 100 as hugeint) else 0 end as refund_cents,
        o.paid_at is not null as is_paid,
        coalesce(o.paid_at, o.created_at) as sold_at,
        o.status,
        o.shop_name,
        o.buyer_key,
        o.province,
        greatest(o.load_id, coalesce(l.load_id, o.load_id)) as load_id,
        l.item_row
    from tmall_orders as o
    left join lines as l on l.order_id = o.order_id
),
totals as (
    select order_id, sum(weight) as order_weight, count(*) as order_lines from order_lines group by order_id
),
weighted as (
    -- lines that weigh nothing in all (or less) share evenly
    select o.*,
           case when t.order_weight > 0 then o.weight else 1 end as share,
           case when t.order_weight > 0 then t.order_weight else t.order_lines end as shares
    from order_lines as o
    join totals as t using (order_id)
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
    select order_id, any_value(goods_cents) - sum(goods_floor) as goods_left, any_value(refund_cents) - sum(refund_floor) as refund_left
    from rests
    group by order_id
    having goods_left <> 0 or refund_left <> 0
),
extras as (
    -- one cent more for each of the lines with the largest remainders (ranked only in uneven orders, a
    -- small share of all: ranking every line cost more than the rest of the view together)
    select
        f.order_id,
        f.item_row,
        row_number() over (partition by f.order_id order by f.goods_rest desc, f.code, f.title, f.price_rmb, f.qty, f.line_no)
            <= l.goods_left as goods_extra,
        row_number() over (partition by f.order_id order by f.refund_rest desc, f.code, f.title, f.price_rmb, f.qty, f.line_no)
            <= l.refund_left as refund_extra
    from rests as f
    join leftovers as l using (order_id)
),
allocated as (
    select
        f.*,
        f.goods_floor + case when e.goods_extra then 1 else 0 end as goods_alloc_cents,
        f.refund_floor + case when e.refund_extra then 1 else 0 end as refund_alloc_cents
    from rests as f
    -- one line each: an item by its row (an order without item lines is one line and never uneven)
    left join extras as e on e.order_id = f.order_id and coalesce(e.item_row, -1) = coalesce(f.item_row, -1)
),
with_orphans as (
    select
        order_id, line_no, title, price_rmb, qty, code, is_paid, sold_at, status, shop_name, buyer_key,
        province, load_id,
        cast(goods_alloc_cents as decimal(18, 0)) * 0.01 as gross_rmb,
        cast(refund_alloc_cents as decimal(18, 0)) * 0.01 as refund_rmb
    from allocated
    union all
    select
        l.order_id, l.line_no, l.title, l.price_rmb, l.qty, l.code, false, null, 'order_missing', null, null,
        null, l.load_id, 0, 0
    from lines as l
    where not exists (select 1 from tmall_orders as o where o.order_id = l.order_id)
)
select
    'tmall' as channel,
    s.order_id,
    s.line_no,
    s.sold_at,
    cast(s.sold_at as date) as sale_date,
    coalesce(c.sku, s.code) as sku,
    coalesce(p.product_name, s.title) as product_name,
    c.brand,
    c.category,
    s.qty,
    s.price_rmb as unit_price_rmb,
    cast(s.gross_rmb as decimal(18, 2)) as gross_rmb,
    cast(s.refund_rmb as decimal(18, 2)) as refund_rmb,
    cast(s.gross_rmb - s.refund_rmb as decimal(18, 2)) as net_rmb,
    s.status,
    case when c.ambiguous then 'ambiguous' when c.code is null then 'unknown' else 'matched' end as product_status,
    s.is_paid,
    s.shop_name as store_or_event,
    s.buyer_key,
    s.province,
    s.load_id
from with_orphans as s
left join product_codes as c on c.code = s.code
left join product_master as p on p.sku = c.sku
