"""The Center's product master (商品资料): maps merchant codes and barcodes to brand and category."""
from etl.formats.spec import Field, Format

FORMAT = Format(
    name="product_master",
    label="商品资料",
    table="product_master",
    fields=(
        Field("sku", ("商家编码", "商品编码", "货号"), required_header=True, required_value=True),
        Field("barcode", ("商品条码", "条码", "条形码")),
        Field("product_name", ("商品名称", "品名"), required_header=True),
        Field("brand", ("品牌", "品牌名称"), required_header=True),
        Field("category", ("品类", "类别", "商品分类")),
        Field("spec", ("规格",)),
        Field("retail_price_rmb", ("零售价", "零售价(元)", "售价"), kind="money"),
    ),
    group_key=("sku",),
    dedupe=True,
    notices="""
        select 'barcode ' || code || ' is carried by ' || skus || case when resolution = 'ambiguous'
            then ' in one master: its sales keep their lines, with no product, until the master gives it to one'
            else ': re-coded by a later master, its sales go to ' || standing_sku end
        from barcode_conflicts
        where code in (select barcode from product_master where load_id = ?)
        order by code""",
)
