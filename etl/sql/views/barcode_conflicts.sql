-- barcode_conflicts: one row per barcode that more than one product of the master carries: either one master
-- gives it to several products (ambiguous: its sales keep their lines, with no product) or a later master
-- re-coded it (its sales go to the newest master's product). Shown on the Data page and by `status`.
create or replace view barcode_conflicts as
select
    p.barcode as code,
    string_agg(p.sku, ' / ' order by p.sku) as skus,
    string_agg(coalesce(p.product_name, p.sku), ' / ' order by p.sku) as product_names,
    any_value(c.sku) as standing_sku,
    case when bool_or(c.ambiguous) then 'ambiguous' else 'recoded' end as resolution
from product_master as p
join product_codes as c on c.code = p.barcode
where p.barcode is not null
group by p.barcode
having count(distinct p.sku) > 1
