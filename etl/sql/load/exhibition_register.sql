-- lead_register rows from a typed register: one row per company met at an event.
select
    _row,
    lead_id,
    event,
    event_start,
    event_end,
    city,
    company,
    industry,
    province,
    brand_interest,
    stage,
    stage_raw,
    case when stage = 'won' then deal_amount_rmb end as deal_amount_rmb,
    case when stage = 'won' then deal_date end as deal_date,
    owner
from {typed}
