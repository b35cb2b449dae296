-- sales: one row per sales line of every channel (storefront, exhibition, tmall).
-- Natural key: channel + order_id + line_no. net_rmb = gross_rmb - refund_rmb; unpaid lines count zero.
create or replace view sales as
select * from stg_storefront_sales
union all by name
select * from stg_exhibition_sales
union all by name
select * from stg_tmall_sales
