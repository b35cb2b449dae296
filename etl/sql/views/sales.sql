-- sales: one row per sales line of every channel (etl/channels.py), composed by etl/warehouse.py from each
-- channel's staging view, its columns listed in the contract's order (channels.SALES_COLUMNS).
-- Natural key: center + channel + order_id + line_no. net_rmb = gross_rmb - refund_rmb; unpaid lines count zero.
-- paid_rmb is what the buyer paid for the order, postage included and refunds not deducted, carried on its lines
-- so that they sum to it (a Tmall order's stands on its first line).
create or replace view sales as
{staging}
