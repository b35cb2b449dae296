"""Write side of the Taiwan Product Center warehouse: read channel exports, validate, load into DuckDB."""
