-- centers: one row per center of the network: its code (as sales.center and `load --center` have it), name,
-- city and opening day. The newest centers file (中心资料) lists them; a warehouse that never loaded one has the
-- one implicit center of etl/config.py (DEFAULT_CENTER, recorded in meta), so single-center use needs no file.
-- A center that holds loads but that the centers file does not list (the implicit center's loads from before the
-- file) stays a center, named by its code (the implicit one by its name), so its rows are never orphaned.
create or replace view centers as
with listed as (
    select center, center_name, city, opened_on from center_register
),
implicit as (
    select
        max(value) filter (where key = 'default_center') as center,
        max(value) filter (where key = 'default_center_name') as center_name
    from meta
),
unlisted as (
    select distinct l.center
    from loads as l
    where l.status = 'loaded' and l.center is not null and l.center not in (select center from listed)
)
select center, center_name, city, opened_on from listed
union all
select i.center, i.center_name, cast(null as varchar), cast(null as date)
from implicit as i
where i.center is not null and not exists (select 1 from listed)
union all
select u.center, case when u.center = i.center then i.center_name else u.center end, cast(null as varchar), cast(null as date)
from unlisted as u
cross join implicit as i
where exists (select 1 from listed)
