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
)
