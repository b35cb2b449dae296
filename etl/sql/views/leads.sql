-- leads: one row per company met at an exhibition by a center; stage is contacted / negotiating / won / lost.
create or replace view leads as
select
    lead_id, center, event, event_start, event_end, city, company, industry, province, brand_interest,
    stage, deal_amount_rmb, deal_date, load_id
from lead_register
