"""Trino's client protocol documents: QueryResults (result columns, data, stats, paging URIs), the
`error` object of a failed statement, and the query text limit.

Pure functions: `tdlocal.queries` builds each page's document with them and the HTTP edge
(`tdlocal.server`) serializes it. Column types and values come from `tdlocal.wire_types` and
`tdlocal.wire_values`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson

from tdlocal.errors import TrinoError
from tdlocal.wire_types import (
    TrinoType,
    TypeTextError,
    canonical_type,
    display_name,
    parse_type,
    type_signature,
)
from tdlocal.wire_values import (
    all_finite,
    column_encoder,
    needs_finite_check,
    python_type_is_wire_form,
    value_encoder,
)

# Trino's own default for `query.max-length`; TD documents the same 1 MB limit.
MAX_QUERY_TEXT_LENGTH = 1_000_000


# ---------------------------------------------------------------------------------------------
# Result columns and rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultColumn:
    """A column as the protocol sends it, with the encoders for one value and for a page's column."""

    name: str
    type: TrinoType
    encode: Callable[[Any], Any]
    encode_column: Callable[[Sequence[Any]], Sequence[Any]]

    def sends_as_is(self, value_type: type | None) -> bool:
        """Whether values of exactly `value_type` (and None) go out unchanged in this column (doubles:
        once checked finite, see `finite_checked`). None, an unknown type, is never sent unchecked."""
        return value_type is not None and python_type_is_wire_form(self.type, value_type)

    @property
    def finite_checked(self) -> bool:
        """Whether this column's values, even in wire form, must be checked for NaN and infinities."""
        return needs_finite_check(self.type)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": display_name(self.type),
            "typeSignature": type_signature(self.type),
        }


def result_column(name: str, type_text: str) -> ResultColumn:
    """Describe a result column from its Trino type text; unparseable text becomes an opaque varchar-like type."""
    return ResultColumn(name, *_type_and_encoders(type_text))


# Every statement describes its columns: parse each type text and build its encoders once.
@lru_cache(maxsize=1024)
def _type_and_encoders(
    type_text: str,
) -> tuple[TrinoType, Callable[[Any], Any], Callable[[Sequence[Any]], Sequence[Any]]]:
    try:
        parsed = canonical_type(parse_type(type_text))
    except TypeTextError:
        parsed = TrinoType(type_text.strip().lower())
    return parsed, value_encoder(parsed), column_encoder(parsed)


def encode_rows(
    rows: Sequence[Sequence[Any]],
    columns: list[ResultColumn],
    value_types: Sequence[type | None] | None = None,
) -> Sequence[Sequence[Any]]:
    """Encode rows of Python values for the `data` field: a sequence of rows (lists or tuples, both
    written as JSON arrays), each a sequence of JSON values.

    `value_types`, one per column, is the Python type every non-NULL value of that column has, as
    the engine guarantees it (None: not guaranteed). When each column's type is its wire form
    (`ResultColumn.sends_as_is`) the rows go out as they are, after checking only that the doubles
    are finite: no value is looked at one by one. Otherwise the page is turned into columns and each
    column encoded whole (`wire_values.column_encoder`), so a column already in wire form costs no
    Python call per value. Raises ValueError when a row's width differs from the columns'.
    """
    if not rows or not columns:
        return [[] for _ in rows]
    if value_types is not None and _already_wire_rows(rows, columns, value_types):
        return rows
    if len(rows) > ENCODE_CHUNK_ROWS:
        # Chunks whose columns stay in the CPU cache: 1.1M rows of raw.events took 0.56 s in
        # chunks of 1,000 rows and 1.05 s in pages of 10,000.
        page: list[Sequence[Any]] = []
        for start in range(0, len(rows), ENCODE_CHUNK_ROWS):
            page.extend(encode_rows(rows[start : start + ENCODE_CHUNK_ROWS], columns))
        return page
    by_column = list(zip(*rows, strict=True))
    if len(by_column) != len(columns):
        raise ValueError(f"rows have {len(by_column)} values, the result has {len(columns)} columns")
    encoded = [column.encode_column(values) for column, values in zip(columns, by_column, strict=True)]
    if all(out is values for out, values in zip(encoded, by_column, strict=True)):
        return rows  # every value already is its JSON value: no transposing back
    return list(map(list, zip(*encoded, strict=True)))


# Rows encoded at a time (see encode_rows).
ENCODE_CHUNK_ROWS = 1000


def _already_wire_rows(
    rows: Sequence[Sequence[Any]], columns: list[ResultColumn], value_types: Sequence[type | None]
) -> bool:
    # Checking each value's type cost the server 0.4 s of its 1.4 s of CPU per million rows of
    # raw.events; with the engine's guarantee only the widths and the doubles remain to check.
    if len(value_types) != len(columns):
        return False
    if not all(column.sends_as_is(kind) for column, kind in zip(columns, value_types, strict=True)):
        return False
    if set(map(len, rows)) != {len(columns)}:
        return False  # the column-by-column path names the wrong width
    return all(
        all_finite(map(itemgetter(index), rows))
        for index, column in enumerate(columns)
        if column.finite_checked
    )


# What update statements (CTAS, INSERT, DELETE, MERGE) and pure DDL answer instead of result columns.
UPDATE_COUNT_COLUMN = result_column("rows", "bigint")
DDL_RESULT_COLUMN = result_column("result", "boolean")


# ---------------------------------------------------------------------------------------------
# QueryResults documents and the URIs they point to
# ---------------------------------------------------------------------------------------------


def query_info_uri(base_url: str, query_id: str) -> str:
    """A query's `infoUri` (served by the `/v1/query/{query_id}` route)."""
    return f"{base_url}/v1/query/{query_id}"


def next_page_uri(base_url: str, query_id: str, slug: str, token: int) -> str:
    """The `nextUri` of page `token` (served by the `/v1/statement/executing/...` routes)."""
    return f"{base_url}/v1/statement/executing/{query_id}/{slug}/{token}"


def statement_stats(state: str, *, elapsed_seconds: float = 0.0, processed_rows: int = 0) -> dict[str, Any]:
    """The `stats` object; clients read `state`, the rest keeps tools that print progress happy."""
    elapsed_millis = int(elapsed_seconds * 1000)
    return {
        "state": state,
        "queued": state == "QUEUED",
        "scheduled": state not in {"QUEUED"},
        "nodes": 1,
        "totalSplits": 1,
        "queuedSplits": 0,
        "runningSplits": 1 if state == "RUNNING" else 0,
        "completedSplits": 1 if state in {"FINISHED", "FAILED"} else 0,
        "cpuTimeMillis": elapsed_millis,
        "wallTimeMillis": elapsed_millis,
        "queuedTimeMillis": 0,
        "elapsedTimeMillis": elapsed_millis,
        "processedRows": processed_rows,
        "processedBytes": 0,
        "physicalInputBytes": 0,
        "peakMemoryBytes": 0,
        "spilledBytes": 0,
    }


def query_results(
    query_id: str,
    info_uri: str,
    state: str,
    *,
    next_uri: str | None = None,
    columns: list[ResultColumn] | None = None,
    data: Sequence[Sequence[Any]] | None = None,
    update_type: str | None = None,
    update_count: int | None = None,
    error: dict[str, Any] | None = None,
    elapsed_seconds: float = 0.0,
    processed_rows: int = 0,
) -> dict[str, Any]:
    """One QueryResults document: what every POST and GET on /v1/statement answers."""
    document: dict[str, Any] = {"id": query_id, "infoUri": info_uri}
    if next_uri is not None:
        document["nextUri"] = next_uri
    if columns is not None:
        document["columns"] = [column.to_json() for column in columns]
    if data:
        document["data"] = data
    document["stats"] = statement_stats(state, elapsed_seconds=elapsed_seconds, processed_rows=processed_rows)
    if error is not None:
        document["error"] = error
    document["warnings"] = []
    if update_type is not None:
        document["updateType"] = update_type
    if update_count is not None:
        document["updateCount"] = update_count
    return document


def failed_results(
    query_id: str, info_uri: str, error: TrinoError, *, elapsed_seconds: float = 0.0
) -> dict[str, Any]:
    """A complete QueryResults document for a statement that failed."""
    return query_results(
        query_id, info_uri, "FAILED", error=error_info(error), elapsed_seconds=elapsed_seconds
    )


def to_json_bytes(document: Any) -> bytes:
    """Serialize a response document as compact UTF-8 JSON.

    orjson (Rust, well kept, already installed with Dagster) writes a page of rows about 10x faster
    than the json module. It refuses integers beyond 64 bits, which a DuckDB HUGEINT sum can hold:
    those documents go through the json module, which writes any integer. No NaN or infinity
    reaches here (orjson would write them as null): `tdlocal.wire_values` encodes every
    non-finite double as Trino's text ("NaN", "Infinity").
    """
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError:
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
            "utf-8"
        )


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def error_info(error: TrinoError) -> dict[str, Any]:
    """The `error` object of a failed statement, from which the client raises TrinoUserError/TrinoQueryError."""
    failure_type = (
        "io.trino.sql.parser.ParsingException"
        if error.name == "SYNTAX_ERROR"
        else "io.trino.spi.TrinoException"
    )
    failure: dict[str, Any] = {"type": failure_type, "message": error.message, "suppressed": [], "stack": []}
    info: dict[str, Any] = {
        "message": error.message,
        "errorCode": error.code,
        "errorName": error.name,
        "errorType": error.type,
    }
    if error.line is not None:
        location = {"lineNumber": error.line, "columnNumber": error.column if error.column is not None else 1}
        info["errorLocation"] = location
        failure["errorLocation"] = location
    info["failureInfo"] = failure
    return info


def error_document(error: TrinoError) -> dict[str, Any]:
    """The body of an answer that is not a QueryResults (an HTTP 4xx/5xx, e.g. an unknown query)."""
    return {"error": error_info(error), "message": error.message}


def internal_error(exception: BaseException) -> TrinoError:
    """Wrap an unexpected exception as Trino's GENERIC_INTERNAL_ERROR, keeping its message."""
    return TrinoError(f"{type(exception).__name__}: {exception}", "GENERIC_INTERNAL_ERROR")


def query_text_too_large(length: int) -> TrinoError:
    """Trino's error for a statement over the query text limit."""
    return TrinoError(
        f"Query text length ({length}) exceeds the maximum length ({MAX_QUERY_TEXT_LENGTH}); TD rejects "
        "statements over 1 MB too: split the statement or load large data with `tdlocal load`",
        "QUERY_TEXT_TOO_LARGE",
    )
