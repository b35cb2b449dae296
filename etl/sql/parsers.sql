-- Parsers for the values channel exports write; each returns NULL when the text is not a value of its kind.
-- Loaded as temporary macros into the ETL's connection only.

-- full-width digits and punctuation (０-９，．－：／) as ASCII
create or replace temp macro tpc_halfwidth(s) as
    translate(s, '０１２３４５６７８９，．－：／　', '0123456789,.-:/ ');

-- trimmed text, NULL when empty; unwraps Excel's ="…" guard and a leading apostrophe
create or replace temp macro tpc_text(s) as
    nullif(trim(regexp_replace(trim(s), '^=?"(.*)"$|^''(.*)$', '\1\2')), '');

-- money: '1,234.50', '¥1,234.50', '128.00元', full-width digits; DECIMAL(18,2)
create or replace temp macro tpc_money(s) as
    try_cast(regexp_replace(tpc_halfwidth(tpc_text(s)), '[,\s元¥￥]|^RMB', '', 'g') as decimal(18, 2));

-- quantity: up to three decimals (bulk goods sell by weight)
create or replace temp macro tpc_qty(s) as
    try_cast(regexp_replace(tpc_halfwidth(tpc_text(s)), '[,\s]', '', 'g') as decimal(18, 3));

-- an integer count
create or replace temp macro tpc_int(s) as
    try_cast(regexp_replace(tpc_halfwidth(tpc_text(s)), '[,\s]', '', 'g') as integer);

-- timestamps as exports write them: 2020-03-01 09:05:01, 2020/3/1 9:05 (Excel re-save), 2020年3月1日,
-- ISO with T, or an Excel serial day number; only years 2000-2099 are believed
create or replace temp macro tpc_timestamp_any(s) as
    coalesce(
        try_strptime(
            regexp_replace(
                regexp_replace(tpc_halfwidth(tpc_text(s)), '^(\d{4})年(\d{1,2})月(\d{1,2})日\s*', '\1-\2-\3 '),
                'T', ' '),
            ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M',
             '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d', '%Y/%m/%d', '%Y-%m-%d ', '%Y%m%d']),
        case when regexp_full_match(tpc_text(s), '\d{5}(\.\d+)?')
            then timestamp '1899-12-30' + to_microseconds(cast(round(cast(tpc_text(s) as double) * 86400e6) as bigint))
        end);

create or replace temp macro tpc_timestamp(s) as
    case when year(tpc_timestamp_any(s)) between 2000 and 2099 then tpc_timestamp_any(s) end;

create or replace temp macro tpc_date(s) as cast(tpc_timestamp(s) as date);

-- order numbers: digits only, kept as text (16-19 digits would lose precision as numbers)
create or replace temp macro tpc_order_id(s) as
    case when regexp_full_match(tpc_halfwidth(tpc_text(s)), '[0-9A-Za-z][0-9A-Za-z_\-]*')
          and not regexp_full_match(tpc_text(s), '\d+(\.\d+)?[Ee]\+?\d+')
        then tpc_halfwidth(tpc_text(s)) end;
