-- stg_tmall_items: one row per Tmall order line (宝贝报表), renamed into the lines that int_order_lines weighs.
-- code is the merchant code, else the external system's; item_row tells two lines of one order apart.
create or replace view stg_tmall_items as
select
    center,
    'tmall' as channel,
    order_id,
    line_no,
    title,
    price_rmb,
    qty,
    coalesce(merchant_code, external_code) as code,
    load_id,
    rowid as item_row
from tmall_items
