"""Personal data never lands: not in any table, reject or message; buyer_key is a keyed HMAC."""
import hashlib
import hmac

from conftest import KEY, load, rows, write_csv, write_xlsx
from fixtures import ITEMS, MASTER, ORDERS, PERSONAL, POS, REGISTER


def text_values(con):
    """Every text value in every table of the warehouse."""
    values = []
    tables = rows(con, "select table_name from information_schema.tables where table_schema = 'main' and table_type = 'BASE TABLE'")
    for (table,) in tables:
        columns = rows(con, "select column_name from information_schema.columns where table_name = ? and data_type = 'VARCHAR'", [table])
        for (column,) in columns:
            values += [v for (v,) in rows(con, f'select distinct "{column}" from {table} where "{column}" is not null')]
    return values


def load_everything(con, tmp_path):
    results = [load(con, write_csv(tmp_path / "master.csv", MASTER)),
               load(con, write_csv(tmp_path / "pos.csv", POS, "gbk")),
               load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", ORDERS, "gbk")),
               load(con, write_csv(tmp_path / "ExportOrderDetailList202101051030.csv", ITEMS, "gbk")),
               load(con, write_xlsx(tmp_path / "register.xlsx", REGISTER))]
    assert all(r.status == "loaded" for r in results)
    return results


def test_no_personal_value_in_any_table(con, tmp_path):
    load_everything(con, tmp_path)
    values = text_values(con)
    assert values, "the scan found no text at all"
    leaks = [(p, v) for v in values for p in PERSONAL if p in v]
    assert leaks == []


def test_buyer_key_is_the_hmac_of_the_nickname_and_the_key_is_not_stored(con, tmp_path):
    load_everything(con, tmp_path)
    expected = "tm:" + hmac.new(KEY, b"tm:tb_buyer01", hashlib.sha256).hexdigest()
    assert rows(con, "select distinct buyer_key from tmall_orders") == [(expected,)]
    assert not [v for v in text_values(con) if KEY.decode() in v]


def test_rejected_personal_columns_never_echo_their_values(con, tmp_path):
    broken = [ORDERS[0], [*ORDERS[1]]]
    broken[1][17] = "not a date"
    load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", broken, "gbk"))
    assert rows(con, "select column_name, reason, detail from rejects") == [("订单创建时间", "bad_timestamp", "not a date")]
    assert not [v for v in text_values(con) for p in PERSONAL if p in v]


ADDRESSES = [
    ("浙江省 杭州市 西湖区 文三路88号(310000)", "浙江省", "杭州市"),       # as Tmall writes it
    ("浙江省杭州市西湖区文三路88号", "浙江省", "杭州市"),                   # no spaces
    ("江苏省　苏州市　姑苏区　人民路9号", "江苏省", "苏州市"),              # full-width spaces
    ("北京 北京市 朝阳区 建国路1号", "北京市", "北京市"),                   # a municipality, named twice
    ("北京市朝阳区建国路1号", "北京市", None),
    ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区", "南宁市"),
    ("文三路88号3幢2单元", None, None),                                     # no province: nothing kept
]


def test_only_province_and_city_are_kept_of_an_address_however_it_is_spaced(con, tmp_path):
    orders = [ORDERS[0]] + [[f'="20201105{i:011d}"', *ORDERS[1][1:13], address, *ORDERS[1][14:]]
                            for i, (address, _, _) in enumerate(ADDRESSES)]
    assert load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", orders, "gbk")).status == "loaded"
    assert rows(con, "select province, city from tmall_orders order by order_id") == [(p, c) for _, p, c in ADDRESSES]
    streets = ("文三路", "人民路", "建国路", "民族大道", "88号", "幢")
    assert [v for v in text_values(con) for s in streets if s in v] == []
