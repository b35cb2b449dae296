-- tmall_orders rows from a typed order report: one row per order. The buyer nickname becomes a keyed
-- HMAC and the address only its province and city; neither is stored as written.
select
    _row,
    order_id,
    case when buyer_nick is not null
        then 'tm:' || sha256(k.opad || unhex(sha256(k.ipad || encode('tm:' || buyer_nick))))
    end as buyer_key,
    goods_rmb,
    postage_rmb,
    total_rmb,
    paid_rmb,
    coalesce(refund_rmb, 0) as refund_rmb,
    status_raw,
    case
        when status_raw like '%关闭%' then 'closed'        -- 付款以后用户退款成功，交易自动关闭 is a closure
        when status_raw like '%成功%' then 'completed'
        when status_raw like '%已发货%' then 'shipped'
        when status_raw like '%已付款%' then 'paid'
        when status_raw like '%等待买家付款%' then 'unpaid'
        else 'other'
    end as status,
    created_at,
    paid_at,
    tpc_province_named(address_parts.province) as province,
    -- a city only when it is a real one of that province: a street or a name never lands here
    case when tpc_province_named(address_parts.province) || '|' || address_parts.city
              in (select province || '|' || city from {cities})
        then address_parts.city end as city,
    title,
    item_count,
    shop_name,
    close_reason
from (select *, tpc_address_parts(address) as address_parts from {typed})
cross join {hmac_pads} as k
