"""Property tests of the value parsers (etl/sql/parsers.sql): every spelling an export writes of a value
parses back to exactly that value, and what is not a believable value is NULL."""
import datetime as dt
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import warehouse

FULL_WIDTH = str.maketrans("0123456789,.-:/ ", "０１２３４５６７８９，．－：／　")
EXCEL_EPOCH = dt.date(1899, 12, 30)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
examples = settings(max_examples=100, deadline=None)


@pytest.fixture(scope="module")
def parse():
    con = duckdb.connect()
    warehouse.load_parsers(con)

    def run(parser: str, text: str):
        return con.execute(f"select {parser}(?::varchar)", [text]).fetchall()[0][0]

    def each(parser: str, texts: list[str]) -> list:
        """parser on every text, in order, in one query (as a load runs it on a column; planning a query on the
        timestamp parser costs more than running it, so one query per spelling made this file slow)."""
        return [value for value, in con.execute(
            f"select {parser}(t) from unnest(?::varchar[]) with ordinality as u(t, i) order by i", [texts]).fetchall()]

    run.each = each
    yield run
    con.close()


money = st.integers(min_value=-10**15 + 1, max_value=10**15 - 1).map(lambda cents: Decimal(cents).scaleb(-2))
amounts = st.integers(min_value=0, max_value=10**15 - 1).map(lambda cents: Decimal(cents).scaleb(-2))


def grouped(value: Decimal) -> str:
    return f"{value:,.2f}"


@examples
@given(money)
def test_money_plain_and_grouped(parse, value):
    assert parse("tpc_money", f"{value:.2f}") == value
    assert parse("tpc_money", grouped(value)) == value
    assert parse("tpc_money", f" {grouped(value)} ") == value


@examples
@given(amounts, st.sampled_from(["¥{}", "￥{}", "{}元", "RMB{}", "¥ {} 元"]))
def test_money_with_currency_marks(parse, value, spelling):
    assert parse("tpc_money", spelling.format(grouped(value))) == value


@examples
@given(money)
def test_money_in_full_width_digits(parse, value):
    assert parse("tpc_money", grouped(value).translate(FULL_WIDTH)) == value
    assert parse("tpc_money", "￥" + f"{value:.2f}".translate(FULL_WIDTH)) == value


@examples
@given(money)
def test_money_guarded_as_excel_text(parse, value):
    assert parse("tpc_money", f'="{value:.2f}"') == value
    assert parse("tpc_money", f"'{grouped(value)}") == value


@examples
@given(st.text(alphabet="abcxyz元¥-", min_size=1, max_size=8))
def test_money_without_digits_is_null(parse, text):
    assert parse("tpc_money", text) is None


believable = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31, 23, 59, 59))
to_the_second = believable.map(lambda t: t.replace(microsecond=0))
to_the_minute = believable.map(lambda t: t.replace(second=0, microsecond=0))
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def excel_resaved(t: dt.datetime) -> str:
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"


@examples
@given(to_the_second)
def test_timestamp_iso_round_trips(parse, t):
    assert parse.each("tpc_timestamp", [t.strftime("%Y-%m-%d %H:%M:%S"), t.strftime("%Y-%m-%dT%H:%M:%S")]) == [t, t]


@examples
@given(to_the_minute)
def test_timestamp_as_excel_resaves_it_round_trips(parse, t):
    assert parse.each("tpc_timestamp", [excel_resaved(t), excel_resaved(t).translate(FULL_WIDTH)]) == [t, t]


@examples
@given(days)
def test_date_spellings_and_excel_serials(parse, day):
    midnight = dt.datetime.combine(day, dt.time())
    texts = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
             f"{day.year}年{day.month}月{day.day}日".translate(FULL_WIDTH), str((day - EXCEL_EPOCH).days)]
    assert dict(zip(texts, parse.each("tpc_timestamp", texts))) == dict.fromkeys(texts, midnight)
    assert dict(zip(texts, parse.each("tpc_date", texts))) == dict.fromkeys(texts, day)


@examples
@given(days, st.integers(min_value=0, max_value=86399))
def test_excel_serial_with_a_time_fraction(parse, day, second):
    serial = (day - EXCEL_EPOCH).days + Decimal(second) / 86400
    expected = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)
    assert parse("tpc_timestamp", f"{serial:.10f}") == expected


@examples
@given(st.one_of(st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(1999, 12, 31, 23, 59, 59)),
                 st.datetimes(min_value=dt.datetime(2100, 1, 1), max_value=dt.datetime(9999, 12, 31))))
def test_timestamp_outside_2000_to_2099_is_null(parse, t):
    assert parse("tpc_timestamp", t.strftime("%Y-%m-%d %H:%M:%S")) is None
    assert parse("tpc_date", t.strftime("%Y-%m-%d")) is None


long_ids = st.text(alphabet="0123456789", min_size=16, max_size=19)


@examples
@given(long_ids)
def test_order_id_keeps_every_digit_however_guarded(parse, digits):
    texts = [digits, f'="{digits}"', f"'{digits}", f" {digits} ", digits.translate(FULL_WIDTH)]
    assert dict(zip(texts, parse.each("tpc_order_id", texts))) == dict.fromkeys(texts, digits)


@examples
@given(st.from_regex(r"[A-Z]{1,3}[0-9]{6,12}(-[0-9]{1,4})?", fullmatch=True))
def test_order_id_with_letters_and_dash(parse, order_id):
    assert parse("tpc_order_id", order_id) == order_id


@examples
@given(st.integers(min_value=1, max_value=9), st.text(alphabet="0123456789", max_size=14),
       st.integers(min_value=11, max_value=20), st.sampled_from(["E+", "e+", "E"]))
def test_order_id_in_scientific_notation_is_null(parse, lead, decimals, exponent, marker):
    text = f"{lead}.{decimals}{marker}{exponent}" if decimals else f"{lead}{marker}{exponent}"
    if marker == "E" and not decimals:
        text = f"{lead}.0E{exponent}"        # '4E18' is also a plausible code of letters and digits
    assert parse("tpc_order_id", text) is None
