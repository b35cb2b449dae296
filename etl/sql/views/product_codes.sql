-- product_codes: one row per code a sale may carry (a barcode, or a merchant code) and the product it means.
-- Unique on code by construction, so a join on it never multiplies a sale. A barcode means the product that
-- the newest master listing it gives it to (a later master may re-code it); when that master gives it to more
-- than one product (a 12-pack and a 6-pack under one barcode) it is ambiguous: sku is NULL, and brand and
-- category are kept only where all of its products agree. A merchant code that is no barcode means itself.
create or replace view product_codes as
with claims as (
    select p.barcode as code, p.sku, p.brand, p.category, l.exported_at, p.load_id
    from product_master as p
    join loads as l using (load_id)
    where p.barcode is not null
),
newest as (
    select * from claims
    qualify rank() over (partition by code order by exported_at desc, load_id desc) = 1
),
by_barcode as (
    select
        code,
        case when count(distinct sku) = 1 then any_value(sku) end as sku,
        count(distinct sku) > 1 as ambiguous,
        case when count(distinct coalesce(brand, '')) = 1 then any_value(brand) end as brand,
        case when count(distinct coalesce(category, '')) = 1 then any_value(category) end as category
    from newest
    group by code
)
select code, sku, ambiguous, brand, category from by_barcode
union all
select p.sku as code, p.sku, false as ambiguous, p.brand, p.category
from product_master as p
where not exists (select 1 from by_barcode as b where b.code = p.sku)
