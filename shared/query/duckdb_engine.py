"""DuckDB over the lake's objects in S3 (the local AWS): only the scanned partitions' files are listed and fetched.

It behaves as Athena does where code can see it: output labels come back lower-cased (Trino's rule), parameters are
`?` only (the `qmark` style `AthenaEngine` passes to pyathena) bound from a sequence, and DATE / TIMESTAMP columns come
back as `date` / naive `datetime`, the types pyathena's default converter makes of Athena's values."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from shared.aws import client
from shared.catalog import LakeTable, resource_by_id
from shared.query.engine import QueryResult, Scan
from shared.settings import get_settings

_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_OTHER_PARAMETER_STYLES = re.compile(r"\$\d|\$[A-Za-z_]|\?\d|%s|%\(|(?<!:):[A-Za-z_]")


def check_parameters(sql: str, params: Sequence[Any]) -> None:
    """Only what Athena's execution parameters take: one `?` per value of a sequence, no `$1`, `:name` or `%s`."""
    if isinstance(params, Mapping | str | bytes):
        raise TypeError("query parameters are a sequence bound to '?' (qmark), as Athena takes them")
    bare = _QUOTED.sub("''", sql)
    other = _OTHER_PARAMETER_STYLES.search(bare)
    if other:
        raise ValueError(f"parameter style {other.group(0)!r} is not Athena's: use '?' (qmark)")
    if bare.count("?") != len(params):
        raise ValueError(f"the query has {bare.count('?')} '?' but {len(params)} parameters")


class DuckDbEngine:
    """Downloads the partitions a query may read into a temporary folder and runs the SQL in-process."""

    def run(self, sql: str, params: Sequence[Any], scans: Mapping[str, Scan]) -> QueryResult:
        check_parameters(sql, params)
        with tempfile.TemporaryDirectory(prefix="duckdb-scan-") as workdir:
            connection = duckdb.connect(":memory:")
            try:
                views = {}
                files_read = 0
                for name, scan in scans.items():
                    files = self._fetch(scan, Path(workdir) / name)
                    files_read += len(files)
                    views[name] = self._view(connection, f"scan_{name}", scan.table, files)
                cursor = connection.execute(sql.format(**views), list(params))
                columns = [d[0].lower() for d in cursor.description or []]
                rows = cursor.fetchall()
            finally:
                connection.close()
        return QueryResult(columns=columns, rows=rows, files_read=files_read)

    @staticmethod
    def _fetch(scan: Scan, into: Path) -> list[Path]:
        s3 = client("s3")
        bucket = get_settings().name_of(resource_by_id(scan.table.bucket))
        base = scan.table.prefix.strip("/")
        prefixes = [f"{base}/"] if scan.partitions is None else [f"{base}/{p.strip('/')}/" for p in scan.partitions]
        files = []
        paginator = s3.get_paginator("list_objects_v2")
        for prefix in prefixes:
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    target = into / obj["Key"][len(base) + 1 :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    s3.download_file(bucket, obj["Key"], str(target))
                    files.append(target)
        return files

    @staticmethod
    def _view(connection: duckdb.DuckDBPyConnection, view: str, table: LakeTable, files: list[Path]) -> str:
        columns = {c.name: c.type.upper() for c in table.columns}
        if files:
            listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            column_spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
            partition_casts = ", ".join(f'CAST("{p.name}" AS {p.type.upper()}) AS "{p.name}"' for p in table.partitions)
            source = (
                f"read_json([{listing}], format='newline_delimited', columns={column_spec}, "
                f"hive_partitioning={'true' if table.partitions else 'false'}, ignore_errors=true)"
            )
            if table.partitions:
                names = ", ".join(f'"{p.name}"' for p in table.partitions)
                select = f"SELECT * EXCLUDE ({names}), {partition_casts} FROM {source}"  # noqa: S608 - catalog names
            else:
                select = f"SELECT * FROM {source}"  # noqa: S608 - catalog names only
        else:
            every = [*table.columns, *table.partitions]
            select = (
                "SELECT " + ", ".join(f'CAST(NULL AS {c.type.upper()}) AS "{c.name}"' for c in every) + " WHERE false"
            )
        connection.execute(f"CREATE TEMP VIEW {view} AS {select}")
        return view
