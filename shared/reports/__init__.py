"""The report builder (seed 004): field catalog, query DSL and compiler, saved reports, the report source."""
