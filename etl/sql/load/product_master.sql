-- product_master rows from a typed master file: one row per 商家编码.
select
    _row,
    sku,
    barcode,
    product_name,
    brand,
    category,
    spec,
    retail_price_rmb
from {typed}
