-- targets: one row per year, month, center and channel with a sales target in RMB (the targets file, 销售目标).
-- month NULL: a target for the whole year; center NULL: for the whole network; channel a code of etl/channels.py.
-- A newer targets file replaces the same (year, month, center, channel); the key is unique here.
create or replace view targets as
select year, month, center, channel, target_rmb, load_id
from sales_targets
