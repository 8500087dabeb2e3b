"""Checks that a SQL text the project sends to Athena is Athena's (Trino's) SQL: sqlglot parses it in the `athena`
dialect with errors raised, and the DuckDB-only forms sqlglot would quietly accept are refused by name."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel
from sqlglot.tokens import TokenType

GLUE_TABLE = '"analytics"."{name}"'
"""How `AthenaEngine` fills a `{name}` table placeholder."""


def athena_text(sql: str, *tables: str) -> str:
    """The SQL as Athena receives it: each `{table}` placeholder replaced by its Glue table."""
    return sql.format(**{table: GLUE_TABLE.format(name=table) for table in tables})


def check_athena_sql(sql: str) -> exp.Expression:
    """The parsed statement; AssertionError naming the construct Athena would reject."""
    tree = sqlglot.parse_one(sql, read="athena", error_level=ErrorLevel.RAISE)
    tokens = [token.token_type for token in sqlglot.tokenize(sql, read="athena")]
    assert TokenType.DCOLON not in tokens, "'::' casts are DuckDB/PostgreSQL; Athena needs CAST(x AS type)"
    if TokenType.LIMIT in tokens and TokenType.OFFSET in tokens:
        assert tokens.index(TokenType.OFFSET) < tokens.index(TokenType.LIMIT), "Athena takes OFFSET before LIMIT"
    unknown = sorted({function.name for function in tree.find_all(exp.Anonymous)})
    assert not unknown, f"functions Athena does not have: {unknown}"
    dollars = [i.name for i in tree.find_all(exp.Identifier) if i.name.startswith("$") and not i.quoted]
    dollars += [str(p) for p in tree.find_all(exp.Parameter)]
    assert not dollars, "'$n' parameters are DuckDB's; Athena takes '?'"
    named = [p.this for p in tree.find_all(exp.Placeholder) if p.this]
    assert not named, f"named parameters {named}: Athena takes '?' only"
    for star in tree.find_all(exp.Star):
        assert not star.args.get("except_") or star.args.get("except"), "SELECT * EXCLUDE is DuckDB's"
        assert not star.args.get("replace"), "SELECT * REPLACE is DuckDB's"
    for group in tree.find_all(exp.Group):
        assert not group.args.get("all"), "GROUP BY ALL is DuckDB's"
    return tree
