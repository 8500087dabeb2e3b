"""Athena through pyathena: tables are the Glue tables of the catalog, parameters are Athena execution parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared.query.engine import QueryResult, Scan
from shared.settings import get_settings


def athena_literal(value: Any) -> str:
    """An execution parameter as Athena wants it: the SQL literal of the value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return repr(value) if not isinstance(value, Decimal) else str(value)
    if isinstance(value, datetime):
        return f"timestamp '{value:%Y-%m-%d %H:%M:%S.%f}'"[:-4] + "'"
    if isinstance(value, date):
        return f"date '{value:%Y-%m-%d}'"
    return "'" + str(value).replace("'", "''") + "'"


class AthenaEngine:
    def run(self, sql: str, params: Sequence[Any], scans: Mapping[str, Scan]) -> QueryResult:
        from pyathena import connect

        settings = get_settings()
        tables = {name: f'"{settings.glue_database}"."{scan.table.name}"' for name, scan in scans.items()}
        connection = connect(
            work_group=settings.athena_workgroup,
            s3_staging_dir=settings.athena_output,
            region_name=settings.region,
            schema_name=settings.glue_database,
        )
        try:
            cursor = connection.cursor()
            cursor.execute(sql.format(**tables), [athena_literal(p) for p in params] or None, paramstyle="qmark")
            columns = [d[0] for d in cursor.description or []]
            rows = [tuple(row) for row in cursor.fetchall()]
            scanned = int(getattr(cursor, "data_scanned_in_bytes", 0) or 0)
        finally:
            connection.close()
        return QueryResult(columns=columns, rows=rows, bytes_scanned=scanned)
