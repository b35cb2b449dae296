-- The warehouse contract: source tables as loaded (typed, personal data removed) and the load log.
-- Analysts query the views (sales, leads, products, brands); these tables feed them.

create table if not exists meta (
    key varchar primary key,
    value varchar not null
);

-- one row per file the ETL was given (loaded, refused or failed); duplicates of a loaded file are not logged again
create sequence if not exists load_id_seq start 1;
create table if not exists loads (
    load_id integer primary key,
    file_name varchar not null,
    sha256 varchar,                 -- NULL only for a file that could not be read to its end
    format varchar,
    channel varchar,                -- the channel its format feeds (etl/formats: Format.channel); NULL for reference files
    center varchar,                 -- the center it was loaded for (load --center); NULL for network-wide files
    exported_at timestamp,          -- the export's own time (Tmall file-name stamp) or the load time; newer wins on overlap
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_rejected bigint not null default 0,
    rows_superseded bigint not null default 0,  -- rows a newer export already holds (not loaded)
    rows_replaced bigint not null default 0,    -- rows of earlier loads that this file's rows replaced
    rows_replaced_later bigint not null default 0,  -- rows of this load that later loads replaced
    -- the file's money (etl/formats: each format's amount) as read, and where it went: read = loaded + rejected
    -- + superseded, to the fen, or the load fails; NULL for a format without amounts (the product master)
    amount_read decimal(38, 2),
    amount_loaded decimal(38, 2),
    amount_rejected decimal(38, 2),
    amount_superseded decimal(38, 2),
    amount_replaced decimal(38, 2),
    status varchar not null check (status in ('loaded', 'refused', 'failed')),
    message varchar,
    started_at timestamp not null,
    finished_at timestamp
);

-- one row per value that could not be used: which load, spreadsheet row (header = its own row), column,
-- reason code (explained in etl/reasons.py)
create table if not exists rejects (
    load_id integer not null,
    row_no bigint not null,
    column_name varchar,
    reason varchar not null,
    detail varchar                  -- the offending text (never personal data), or what the row repeats
);

-- one row per earlier load whose rows a load replaced (a newer export of the same receipts, orders or leads)
create table if not exists replacements (
    load_id integer not null,
    replaced_load_id integer not null,
    rows bigint not null,
    amount decimal(38, 2)
);

-- one row per product (商家编码) in the Center's product master
create table if not exists product_master (
    sku varchar not null,
    barcode varchar,
    product_name varchar,
    brand varchar,
    category varchar,
    spec varchar,
    retail_price_rmb decimal(18, 2),
    load_id integer not null
);

-- one row per center of the network (中心资料); empty when no centers file was loaded: the warehouse then has
-- the one implicit center of etl/config.py (DEFAULT_CENTER), see the centers view
create table if not exists center_register (
    center varchar not null,        -- 中心代码, the code `python -m etl load --center` takes
    center_name varchar not null,
    city varchar,
    opened_on date,
    load_id integer not null
);

-- one row per storefront POS receipt line; returns are negative lines
create table if not exists pos_lines (
    order_id varchar not null,
    sold_at timestamp not null,
    code varchar not null,          -- barcode or merchant code as the POS wrote it
    product_name varchar,
    qty decimal(18, 3) not null,
    unit_price_rmb decimal(18, 2),
    discount_rmb decimal(18, 2),
    net_rmb decimal(18, 2) not null,
    payment_method varchar,
    is_return boolean not null,
    store varchar not null,         -- 门店; receipt numbers restart per store (config.DEFAULT_STORE when the export names none)
    buyer_key varchar,              -- HMAC of the member phone, never the phone
    load_id integer not null,
    center varchar not null         -- the center it was loaded for; a natural key includes it
);

-- one row per Tmall order (订单报表)
create table if not exists tmall_orders (
    order_id varchar not null,
    buyer_key varchar,              -- HMAC of the buyer nickname
    goods_rmb decimal(18, 2) not null,
    postage_rmb decimal(18, 2),
    total_rmb decimal(18, 2),
    paid_rmb decimal(18, 2),
    refund_rmb decimal(18, 2) not null,
    status_raw varchar,
    status varchar not null,
    created_at timestamp not null,
    paid_at timestamp,
    province varchar,
    city varchar,
    title varchar,
    item_count integer,
    shop_name varchar,
    close_reason varchar,
    load_id integer not null,
    center varchar not null         -- the center it was loaded for; a natural key includes it
);

-- one row per Tmall order line (宝贝报表)
create table if not exists tmall_items (
    order_id varchar not null,
    line_no integer not null,
    title varchar,
    price_rmb decimal(18, 2) not null,
    qty decimal(18, 3) not null,
    external_code varchar,
    sku_attrs varchar,
    package varchar,
    status_raw varchar,
    merchant_code varchar,
    load_id integer not null,
    center varchar not null         -- the center it was loaded for; a natural key includes it
);

-- one row per company met at an exhibition (展会客户登记表), contacts removed
create table if not exists lead_register (
    lead_id varchar not null,
    event varchar not null,
    event_start date not null,
    event_end date,
    city varchar,
    company varchar not null,
    industry varchar,
    province varchar,
    brand_interest varchar,
    stage varchar not null check (stage in ('contacted', 'negotiating', 'won', 'lost')),
    stage_raw varchar,
    deal_amount_rmb decimal(18, 2),
    deal_date date,
    owner varchar,                  -- the Center's own follow-up staff
    load_id integer not null,
    center varchar not null         -- the center it was loaded for; a natural key includes it
);

-- one row per sales target (销售目标): year, month (NULL: the year), center (NULL: the network), channel
create table if not exists sales_targets (
    year smallint not null,
    month smallint check (month between 1 and 12),
    center varchar,                 -- a center code as written (the centers table checks it)
    channel varchar not null,       -- a code of etl/channels.py
    channel_raw varchar,            -- 通路 as written: the code or a name in any of the three languages
    target_rmb decimal(18, 2) not null check (target_rmb >= 0),
    target_key varchar not null,    -- year|month|center|channel, '' for a NULL: what a newer file replaces by
    load_id integer not null
);
