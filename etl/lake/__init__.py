"""The lakehouse (issue 14): the warehouse's tables as Apache Iceberg tables, PostgreSQL as their catalog."""
