-- centers: one row per center of the network: its code (as sales.center and `load --center` have it), name,
-- city and opening day. The newest centers file (中心资料) lists them; a warehouse that never loaded one has the
-- one implicit center of etl/config.py (DEFAULT_CENTER, recorded in meta), so single-center use needs no file.
create or replace view centers as
select center, center_name, city, opened_on
from center_register
union all
select
    max(value) filter (where key = 'default_center') as center,
    max(value) filter (where key = 'default_center_name') as center_name,
    cast(null as varchar) as city,
    cast(null as date) as opened_on
from meta
where not exists (select 1 from center_register)
having count(*) filter (where key = 'default_center') > 0
