-- products: one row per product in the Center's master (商家编码), the source of brand and category.
create or replace view products as
select sku, barcode, product_name, brand, category, spec, retail_price_rmb, load_id
from product_master
