-- Parsers for the values channel exports write; each returns NULL when the text is not a value of its kind.
-- Loaded as temporary macros into the ETL's connection only. Each tries the plain spelling first with a
-- cast (fast, and what almost every cell is) and falls back to the tolerant path only where that fails.

-- full-width digits and punctuation (０-９，．－：／) as ASCII
create or replace temp macro tpc_halfwidth(s) as
    translate(s, '０１２３４５６７８９，．－：／　', '0123456789,.-:/ ');

-- Each macro names its input once where it can: DuckDB expands a macro inline wherever it is used, so a
-- parser that repeats a parser would bind into thousands of expressions (a lambda binds a value once).

-- text with no space of any kind at either end (ASCII, no-break, thin, narrow, ideographic, line separators, the
-- Hangul filler) and no character that prints as nothing anywhere (zero-width spaces and joiners, direction
-- marks and embeddings, the word joiner, soft hyphen, Mongolian vowel separator, a stray BOM)
create or replace temp macro tpc_clean(s) as
    regexp_replace(regexp_replace(s, '[\x{00AD}\x{061C}\x{180E}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{206F}\x{FEFF}]', '', 'g'),
                   '^[\s\x{000B}\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{3164}\x{FFA0}]+|[\s\x{000B}\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{3164}\x{FFA0}]+$', '', 'g');

-- text as written -- nothing invisible, no guard, not empty -- is taken as it is: most cells, and cheaper than cleaning
create or replace temp macro tpc_text_plain(s) as
    not (s = '' or starts_with(s, '=') or starts_with(s, '''')
         or regexp_matches(s, '^[\s\x{000B}\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{3164}\x{FFA0}]|[\s\x{000B}\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{3164}\x{FFA0}]$|[\x{00AD}\x{061C}\x{180E}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{206F}\x{FEFF}]'));

-- cleaned text, with Excel's ="…" wrapper or a leading apostrophe removed; NULL when empty
create or replace temp macro tpc_text_any(s) as
    nullif(tpc_clean(regexp_replace(tpc_clean(s), '^=?"(.*)"$|^''(.*)$', '\1\2')), '');

create or replace temp macro tpc_text(s) as case when tpc_text_plain(s) then s else tpc_text_any(s) end;

-- money exact to the fen: '1,234.50', '¥1,234.50', '128.00元', 'RMB 5', full-width digits; DECIMAL(38,2) so that a
-- value too large for the warehouse still parses and is rejected by name. Commas only between thousands; no
-- scientific notation (an exporter's rounding); more than two decimals only when they are zeros ('12.500').
create or replace temp macro tpc_money_plain(s) as regexp_full_match(s, '-?[0-9]{1,16}(\.[0-9]{1,2})?');

create or replace temp macro tpc_money_parts(s) as
    regexp_extract(tpc_halfwidth(tpc_text_any(s)),
        '^([+-]?)\s*(?:RMB|CNY|¥|￥)?\s*([+-]?)\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?\s*(?:元|RMB|CNY)?$',
        ['sign', 'sign2', 'whole', 'fraction']);

-- the text is a number of money's shape but with digits beyond the fen (0.005, 1.235): rejected as not exact
create or replace temp macro tpc_money_inexact(s) as
    list_transform([tpc_money_parts(s)],
        lambda p: p.whole <> '' and not regexp_full_match(p.fraction, '(\.[0-9]{1,2}0*)?'))[1];

create or replace temp macro tpc_money_any(s) as
    list_transform([tpc_money_parts(s)],
        lambda p: case when p.whole <> '' and p.sign || p.sign2 in ('', '+', '-')
                            and regexp_full_match(p.fraction, '(\.[0-9]{1,2}0*)?')
                       then try_cast(p.sign || p.sign2 || replace(p.whole, ',', '') || left(p.fraction, 3) as decimal(38, 2))
                  end)[1];

-- the usual decorations (¥ before, 元 after, commas grouping thousands) without the tolerant path's costs: an
-- export that writes every amount so pays one regular expression a cell, not five
create or replace temp macro tpc_money_marked(s) as
    regexp_full_match(rtrim(ltrim(s, '¥￥'), '元'), '-?([0-9]{1,16}|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]{1,2})?');

create or replace temp macro tpc_money(s) as
    case when tpc_money_plain(s) then cast(s as decimal(38, 2))
         when tpc_money_marked(s) then cast(replace(rtrim(ltrim(s, '¥￥'), '元'), ',', '') as decimal(38, 2))
         else tpc_money_any(s) end;

-- the same value as tpc_money for every text (a plain amount is a marked one too), asked in the other order: for a
-- column whose first rows write every amount with ¥, 元 or thousands (loader.marked_money), one regular
-- expression a cell instead of two
create or replace temp macro tpc_money_marked_first(s) as
    case when tpc_money_marked(s) then cast(replace(rtrim(ltrim(s, '¥￥'), '元'), ',', '') as decimal(38, 2))
         else tpc_money_any(s) end;

-- quantity: up to three decimals (bulk goods sell by weight), commas only between thousands, no scientific notation
create or replace temp macro tpc_qty_plain(s) as regexp_full_match(s, '-?[0-9]{1,12}(\.[0-9]{1,3})?');

create or replace temp macro tpc_qty_any(s) as
    list_transform([regexp_extract(tpc_halfwidth(tpc_text_any(s)), '^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]{1,3}0*)?$',
                                   ['sign', 'whole', 'fraction'])],
        lambda p: case when p.whole <> ''
                       then try_cast(p.sign || replace(p.whole, ',', '') || left(p.fraction, 4) as decimal(18, 3)) end)[1];

create or replace temp macro tpc_qty(s) as
    case when tpc_qty_plain(s) then cast(s as decimal(18, 3)) else tpc_qty_any(s) end;

-- an integer count
create or replace temp macro tpc_int(s) as
    list_transform([tpc_halfwidth(tpc_text_any(s))],
        lambda t: case when regexp_full_match(t, '[+-]?[0-9]{1,9}') then cast(t as integer) end)[1];

-- timestamps as exports write them: 2020-03-01 09:05:01, 2020/3/1 9:05 (Excel re-save), 2020年3月1日,
-- ISO with T, or an Excel serial day number (kept to the millisecond, as Excel does: the fraction of a day
-- is a binary float, and 9:00 would otherwise come back as 09:00:00.000002). A time-zone suffix (Z, +08:00,
-- -0500) is converted to Beijing time (UTC+8), the time every export of the Center is in; never cut off.
create or replace temp macro tpc_ts_plain(s) as
    regexp_full_match(s, '20[0-9]{2}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?');

create or replace temp macro tpc_ts_local(s) as
    list_transform([tpc_halfwidth(tpc_text_any(s))],
        lambda t: coalesce(
            try_strptime(
                regexp_replace(regexp_replace(t, '^(\d{4})年(\d{1,2})月(\d{1,2})日\s*', '\1-\2-\3 '), 'T', ' '),
                ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M',
                 '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d', '%Y/%m/%d', '%Y-%m-%d ', '%Y%m%d']),
            case when regexp_full_match(t, '\d{5}(\.\d+)?')
                then timestamp '1899-12-30' + to_microseconds(cast(round(cast(t as double) * 86400e3) as bigint) * 1000)
            end))[1];

-- a time-zone suffix: (local part, zone) when the text ends in one
create or replace temp macro tpc_zoned(s) as
    regexp_extract(tpc_halfwidth(tpc_text_any(s)),
        '^(.*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?) ?(Z|z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)$', ['local', 'zone']);

-- minutes east of UTC written in a zone suffix: Z / UTC 0, +08:00 480, -0500 -300
create or replace temp macro tpc_zone_minutes(z) as
    list_transform([z], lambda z: case when z in ('Z', 'z', 'UTC', 'GMT') then 0
         else (case when z[1] = '-' then -1 else 1 end)
              * (cast(z[2:3] as integer) * 60 + coalesce(try_cast(nullif(replace(z[4:], ':', ''), '') as integer), 0)) end)[1];

create or replace temp macro tpc_timestamp_any(s) as
    list_transform([tpc_zoned(s)],
        lambda z: case when z.zone <> '' then tpc_ts_local(z.local) + to_minutes(480 - tpc_zone_minutes(z.zone))
                       else tpc_ts_local(s) end)[1];

-- only years 2000-2099 are believed (a typo like 2202 or a stray serial number is an error)
create or replace temp macro tpc_believable(t) as
    case when t >= timestamp '2000-01-01' and t < timestamp '2100-01-01' then t end;

create or replace temp macro tpc_timestamp(s) as
    tpc_believable(case when tpc_ts_plain(s) then try_cast(s as timestamp) else tpc_timestamp_any(s) end);

create or replace temp macro tpc_date(s) as cast(tpc_timestamp(s) as date);

-- order numbers: letters, digits, - and _, kept as text (16-19 digits would lose precision as numbers)
create or replace temp macro tpc_order_id_tolerant(t) as
    case when regexp_full_match(t, '[0-9A-Za-z][0-9A-Za-z_\-]*') then t end;

-- (the plain spelling and Excel's ="…" guard, as Tmall writes every order number, are checked first: the
-- tolerant path's regular expressions cost fifteen times as much)
create or replace temp macro tpc_order_id_plain(s) as regexp_full_match(s, '[0-9A-Za-z][0-9A-Za-z_\-]*');

create or replace temp macro tpc_order_id(s) as
    case when tpc_order_id_plain(s) then s
         when starts_with(s, '="') and ends_with(s, '"') and tpc_order_id_plain(s[3:-2])
             then s[3:-2]
         else tpc_order_id_tolerant(tpc_halfwidth(tpc_text(s))) end;

-- province and city from a Chinese address, with its parts spaced as Tmall writes them ("浙江省 杭州市 西湖区 …"),
-- by full-width spaces, or not at all ("浙江省杭州市西湖区…"). NULL when the address does not begin with a
-- province (or, after it, a city), so no part of a street ever lands in these columns.
create or replace temp macro tpc_address_compact(a) as regexp_replace(coalesce(a, ''), '[\s　]+', '', 'g');

-- the province as written, then the city right after it (or at the start, when no province is written), both
-- read by one regular expression: an address is parsed once per row (parsing it once per part cost seven seconds
-- in a million orders). A struct {province, city}; '' where that part is not there.
create or replace temp macro tpc_address_parts(a) as
    regexp_extract(tpc_address_compact(a),
        '^(内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区|香港特别行政区|澳门特别行政区'
        || '|北京市|天津市|上海市|重庆市|北京|天津|上海|重庆|香港|澳门|[^\d省市区县路街号]{2,3}省)?'
        || '([^\d省市区县路街号镇乡村道巷弄]{1,9}?(?:市|自治州|地区|盟))?', ['province', 'city']);

-- the four municipalities and two SARs under one name however the address spells them (北京 / 北京市);
-- `written` is tpc_address_parts(…).province
create or replace temp macro tpc_province_named(written) as
    case when written in ('北京', '天津', '上海', '重庆') then written || '市'
         when written in ('香港', '澳门') then written || '特别行政区'
         else nullif(written, '') end;

