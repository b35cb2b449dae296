-- sales_targets rows from a typed targets file: one row per year, month (NULL: the year), center (NULL: the
-- network) and channel; 通路 as written is kept beside the channel code it names.
select
    _row,
    year,
    month,
    center,
    channel,
    channel_raw,
    target_rmb,
    target_key
from typed
