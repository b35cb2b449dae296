-- Parsers for the values channel exports write; each returns NULL when the text is not a value of its kind.
-- Loaded as temporary macros into the ETL's connection only. Each tries the plain spelling first with a
-- cast (fast, and what almost every cell is) and falls back to the tolerant path only where that fails.

-- full-width digits and punctuation (０-９，．－：／) as ASCII
create or replace temp macro tpc_halfwidth(s) as
    translate(s, '０１２３４５６７８９，．－：／　', '0123456789,.-:/ ');

-- text as exports guard it: Excel's ="…" wrapper or a leading apostrophe removed
create or replace temp macro tpc_unguard(s) as
    nullif(trim(regexp_replace(trim(s), '^=?"(.*)"$|^''(.*)$', '\1\2')), '');

-- trimmed text, NULL when empty (text as written -- no space at either end, no guard, not empty -- is taken
-- as it is: most cells, and three times cheaper than trimming)
create or replace temp macro tpc_text_any(s) as
    case when starts_with(ltrim(s), '=') or starts_with(ltrim(s), '''') then tpc_unguard(s) else nullif(trim(s), '') end;

create or replace temp macro tpc_text_plain(s) as
    not (starts_with(s, ' ') or ends_with(s, ' ') or starts_with(s, '=') or starts_with(s, '''') or s = '');

create or replace temp macro tpc_text(s) as
    case when tpc_text_plain(s) then s else tpc_text_any(s) end;

-- money: '1,234.50', '¥1,234.50', '128.00元', full-width digits; DECIMAL(18,2)
create or replace temp macro tpc_money(s) as
    coalesce(
        try_cast(s as decimal(18, 2)),
        try_cast(regexp_replace(tpc_halfwidth(tpc_text(s)), '[,\s元¥￥]|^RMB', '', 'g') as decimal(18, 2)));

-- quantity: up to three decimals (bulk goods sell by weight)
create or replace temp macro tpc_qty(s) as
    coalesce(
        try_cast(s as decimal(18, 3)),
        try_cast(regexp_replace(tpc_halfwidth(tpc_text(s)), '[,\s]', '', 'g') as decimal(18, 3)));

-- an integer count
create or replace temp macro tpc_int(s) as
    coalesce(try_cast(s as integer), try_cast(regexp_replace(tpc_halfwidth(tpc_text(s)), '[,\s]', '', 'g') as integer));

-- timestamps as exports write them: 2020-03-01 09:05:01, 2020/3/1 9:05 (Excel re-save), 2020年3月1日,
-- ISO with T, or an Excel serial day number (kept to the millisecond, as Excel does: the fraction of a day
-- is a binary float, and 9:00 would otherwise come back as 09:00:00.000002)
create or replace temp macro tpc_timestamp_any(s) as
    coalesce(
        try_cast(s as timestamp),
        try_strptime(
            regexp_replace(
                regexp_replace(tpc_halfwidth(tpc_text(s)), '^(\d{4})年(\d{1,2})月(\d{1,2})日\s*', '\1-\2-\3 '),
                'T', ' '),
            ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M',
             '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d', '%Y/%m/%d', '%Y-%m-%d ', '%Y%m%d']),
        case when regexp_full_match(tpc_text(s), '\d{5}(\.\d+)?')
            then timestamp '1899-12-30' + to_microseconds(cast(round(cast(tpc_text(s) as double) * 86400e3) as bigint) * 1000)
        end);

-- only years 2000-2099 are believed (a typo like 2202 or a stray serial number is an error)
create or replace temp macro tpc_believable(t) as
    case when t >= timestamp '2000-01-01' and t < timestamp '2100-01-01' then t end;

create or replace temp macro tpc_timestamp(s) as tpc_believable(tpc_timestamp_any(s));

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

create or replace temp macro tpc_province_written(a) as
    nullif(regexp_extract(tpc_address_compact(a),
        '^(内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区|香港特别行政区|澳门特别行政区'
        || '|北京市|天津市|上海市|重庆市|北京|天津|上海|重庆|香港|澳门|[^\d省市区县路街号]{2,3}省)', 1), '');

-- the four municipalities and two SARs under one name however the address spells them (北京 / 北京市)
create or replace temp macro tpc_province(a) as
    case when tpc_province_written(a) in ('北京', '天津', '上海', '重庆') then tpc_province_written(a) || '市'
         when tpc_province_written(a) in ('香港', '澳门') then tpc_province_written(a) || '特别行政区'
         else tpc_province_written(a) end;

create or replace temp macro tpc_city(a) as
    nullif(regexp_extract(substr(tpc_address_compact(a), length(coalesce(tpc_province_written(a), '')) + 1),
        '^([^\d省市区县路街号镇乡村道巷弄]{1,9}?(市|自治州|地区|盟))', 1), '');
