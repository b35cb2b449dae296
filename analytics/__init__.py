"""Read side of the warehouse: named queries and metric definitions, one small function per chart."""
