"""One query interface over the data lake, two engines: Athena (pyathena) in AWS, DuckDB in-process locally.

SQL is written once, in the subset both accept, with `?` parameters and `{name}` for each table it reads; only the
table reference differs (a Glue table in Athena, a view over the scanned partitions' files in DuckDB).
"""
