-- brands: one row per brand in the product master.
create or replace view brands as
select
    brand,
    count(*) as products,
    count(distinct category) as categories,
    string_agg(distinct category, ' / ' order by category) as category_list
from product_master
where brand is not null
group by brand
