"""DuckDB exceptions as the Trino errors a client would get from TD for the same mistake."""

from __future__ import annotations

import re

import duckdb
from sqlglot.dialects.trino import Trino
from sqlglot.tokens import TokenType

from tdlocal.errors import TrinoError
from tdlocal.sql.trino_functions import is_known_function
from tdlocal.trino_types import trino_type_from_text

# A Python UDF's exception arrives as "...while executing the UDF: ErrorClass: message".
_UDF_FAILURE = re.compile(r"Python exception occurred while executing the UDF: (?:\w+\.)*(\w+): (.*)", re.S)
_ERROR_PREFIX = re.compile(r"^[A-Za-z ]+ Error: ")
_LINE_CONTEXT = re.compile(r"\n+LINE \d+:.*", re.S)
# "Did you mean ..." suggestions that point into DuckDB's own catalogs mean nothing to a TD user.
_INTERNAL_HINT = re.compile(r"Did you mean .*(information_schema|pg_catalog|duckdb_|sqlite_|tdlocal)", re.I)
# tdtime's ValueErrors and what the engine raises for bad TD function arguments.
_INVALID_ARGUMENT_ERRORS = {
    "ValueError",
    "TdTimeError",
    "IntervalError",
    "UnknownZoneError",
    "UnitError",
    "FormatPatternError",
    "DurationError",
    "TimeParseError",
    "TimeOutOfRangeError",
}

# (error class, message pattern, Trino error name), first match wins.
_RULES: list[tuple[type[duckdb.Error], re.Pattern[str], str]] = [
    (duckdb.CatalogException, re.compile(r"because schema .* does not exist", re.S), "SCHEMA_NOT_FOUND"),
    (duckdb.CatalogException, re.compile(r"Table with name .* does not exist", re.S), "TABLE_NOT_FOUND"),
    (duckdb.CatalogException, re.compile(r"View with name .* does not exist", re.S), "TABLE_NOT_FOUND"),
    (duckdb.CatalogException, re.compile(r"Schema with name .* does not exist", re.S), "SCHEMA_NOT_FOUND"),
    (duckdb.CatalogException, re.compile(r"Catalog .* does not exist", re.S), "CATALOG_NOT_FOUND"),
    (
        duckdb.CatalogException,
        re.compile(r"Function with name .* does not exist", re.S),
        "FUNCTION_NOT_FOUND",
    ),
    (duckdb.CatalogException, re.compile(r"Type with name .* does not exist", re.S), "TYPE_NOT_FOUND"),
    (
        duckdb.CatalogException,
        re.compile(r"Schema with name .* already exists", re.S),
        "SCHEMA_ALREADY_EXISTS",
    ),
    (
        duckdb.CatalogException,
        re.compile(r"(Table|View) with name .* already exists", re.S),
        "TABLE_ALREADY_EXISTS",
    ),
    (
        duckdb.CatalogException,
        re.compile(r"Column with name .* already exists", re.S),
        "COLUMN_ALREADY_EXISTS",
    ),
    (duckdb.CatalogException, re.compile(r"already exists", re.S), "ALREADY_EXISTS"),
    (duckdb.CatalogException, re.compile(r"depend", re.S), "SCHEMA_NOT_EMPTY"),
    (duckdb.DependencyException, re.compile(r".", re.S), "SCHEMA_NOT_EMPTY"),
    (
        duckdb.BinderException,
        re.compile(
            r"Referenced column .* not found|Column .* does not exist|does not have a column named|"
            r"Referenced update column .* not found",
            re.S,
        ),
        "COLUMN_NOT_FOUND",
    ),
    (duckdb.BinderException, re.compile(r"Referenced table .* not found", re.S), "TABLE_NOT_FOUND"),
    # A zoned timestamp in a zone other than the session's (tdlocal.sql.zoned_timestamps) handed
    # to a function that does not read its zone: refused by name rather than read in a wrong zone.
    (
        duckdb.BinderException,
        re.compile(r"(No function matches|Cannot compare).*STRUCT\(tdlocal_instant ", re.S),
        "NOT_SUPPORTED",
    ),
    (
        duckdb.BinderException,
        re.compile(r"must appear in the GROUP BY clause", re.S),
        "EXPRESSION_NOT_AGGREGATE",
    ),
    (duckdb.BinderException, re.compile(r"ambiguous", re.S | re.I), "AMBIGUOUS_NAME"),
    (
        duckdb.BinderException,
        re.compile(r"No function matches|Could not choose a best candidate", re.S),
        "FUNCTION_NOT_FOUND",
    ),
    (
        duckdb.BinderException,
        re.compile(r"Cannot compare|Cannot mix|cannot be cast|type mismatch", re.S | re.I),
        "TYPE_MISMATCH",
    ),
    (duckdb.InvalidInputException, re.compile(r"Division by zero", re.S), "DIVISION_BY_ZERO"),
    # Raised by tdlocal's own macros (arrays.py, strings.py) with Trino's texts.
    (
        duckdb.InvalidInputException,
        re.compile(
            r"^(Array subscript|SQL array indices start at 1|Key not present in map|"
            r"Index must be greater than zero|result of sequence function|sequence stop value|"
            r"step must not be zero|count argument of repeat function|Invalid format: |N must be positive|"
            r"length must be greater than or equal to 0|Limit must be positive|The delimiter may not be the empty)",
            re.S,
        ),
        "INVALID_FUNCTION_ARGUMENT",
    ),
    # A macro's argument of a type the Trino function does not take: Trino's analyzer words
    # this "Unexpected parameters (...) for function f" (FUNCTION_NOT_FOUND).
    (
        duckdb.InvalidInputException,
        re.compile(r"^Unexpected parameters \(", re.S),
        "FUNCTION_NOT_FOUND",
    ),
    (duckdb.InvalidInputException, re.compile(r"more than one row", re.S), "SUBQUERY_MULTIPLE_ROWS"),
    # tdlocal.sql.coercions raises Trino's analyzer texts for coercions Trino refuses.
    (
        duckdb.InvalidInputException,
        re.compile(
            r"^(line \d+:\d+: )?(Cannot apply operator: |All (COALESCE operands|CASE results) must be the same type"
            r"|[\w ]+ must evaluate to a boolean \(actual: )",
            re.S,
        ),
        "TYPE_MISMATCH",
    ),
    # tdlocal's trino_varchar: Trino has no cast from arrays, maps and rows to varchar (checked
    # before the INVALID_CAST_ARGUMENT texts below, which also start "Cannot cast").
    (duckdb.InvalidInputException, re.compile(r"^Cannot cast \S+.* to varchar$", re.S), "TYPE_MISMATCH"),
    # tdlocal.sql.trino_semantics: a value whose text is longer than CAST(... AS varchar(n)).
    (
        duckdb.InvalidInputException,
        re.compile(r"^Value .* cannot be represented as varchar\(\d+\)$", re.S),
        "INVALID_CAST_ARGUMENT",
    ),
    # tdlocal.sql.casts raises Trino's VarcharOperators / DecimalCasts texts from SQL, and
    # tdlocal.sql.datetime_casts DateOperators' / VarcharToTimestampCast's.
    (
        duckdb.InvalidInputException,
        re.compile(r"^(Cannot cast |Value cannot be cast to (date|timestamp|time): )", re.S),
        "INVALID_CAST_ARGUMENT",
    ),
    # tdlocal.sql.intervals: DateTimeOperators' texts for a date +/- an interval with a time part.
    (
        duckdb.InvalidInputException,
        re.compile(
            r"^Cannot (add hour, minutes or seconds to|subtract hour, minutes or seconds from) a date", re.S
        ),
        "INVALID_FUNCTION_ARGUMENT",
    ),
    # tdlocal.sql.trino_semantics: a date_add / date_trunc / date_diff unit the value's type lacks.
    (
        duckdb.InvalidInputException,
        re.compile(r"^'[^']*' is not a valid (DATE|TIME|TIMESTAMP) field", re.S),
        "INVALID_FUNCTION_ARGUMENT",
    ),
    # tdlocal.sql.numeric's integer sums beyond bigint (Trino's LongSumAggregation).
    (
        duckdb.InvalidInputException,
        re.compile(r"^bigint addition overflow: ", re.S),
        "NUMERIC_VALUE_OUT_OF_RANGE",
    ),
    # tdlocal.sql.zoned_timestamps.extract: a field the value's type lacks (visitExtract).
    (duckdb.InvalidInputException, re.compile(r"^Cannot extract [A-Z_]+ from ", re.S), "TYPE_MISMATCH"),
    # tdlocal's own refusals raised from SQL (error('tdlocal cannot ...')).
    (duckdb.InvalidInputException, re.compile(r"^tdlocal cannot", re.S), "NOT_SUPPORTED"),
    (duckdb.ConversionException, re.compile(r".", re.S), "INVALID_CAST_ARGUMENT"),
    (duckdb.OutOfRangeException, re.compile(r".", re.S), "NUMERIC_VALUE_OUT_OF_RANGE"),
    (duckdb.ConstraintException, re.compile(r".", re.S), "CONSTRAINT_VIOLATION"),
    (duckdb.TransactionException, re.compile(r".", re.S), "TRANSACTION_CONFLICT"),
    (duckdb.ParserException, re.compile(r".", re.S), "SYNTAX_ERROR"),
    (duckdb.SyntaxException, re.compile(r".", re.S), "SYNTAX_ERROR"),
    (duckdb.TypeMismatchException, re.compile(r".", re.S), "TYPE_MISMATCH"),
    (duckdb.NotImplementedException, re.compile(r".", re.S), "NOT_SUPPORTED"),
    (duckdb.CatalogException, re.compile(r".", re.S), "NOT_FOUND"),
    (duckdb.BinderException, re.compile(r".", re.S), "GENERIC_USER_ERROR"),
    (duckdb.InvalidInputException, re.compile(r".", re.S), "GENERIC_USER_ERROR"),
]


def trino_error_from_duckdb(error: duckdb.Error) -> TrinoError:
    """The Trino error for a DuckDB exception; unknown kinds are GENERIC_INTERNAL_ERROR."""
    raw = str(error)
    if isinstance(error, duckdb.InterruptException):
        return TrinoError("Query was canceled", "USER_CANCELED")
    udf = _UDF_FAILURE.search(raw)
    if udf:
        kind, message = udf.group(1), udf.group(2).strip()
        name = "INVALID_FUNCTION_ARGUMENT" if kind in _INVALID_ARGUMENT_ERRORS else "GENERIC_INTERNAL_ERROR"
        # tdlocal's decimal division (tdlocal.sql.numeric)
        name = {"ZeroDivisionError": "DIVISION_BY_ZERO", "OverflowError": "NUMERIC_VALUE_OUT_OF_RANGE"}.get(
            kind, name
        )
        return TrinoError(message, name)
    message = readable_message(raw)
    missing = _MISSING_FUNCTION.match(message)
    if isinstance(error, duckdb.CatalogException) and missing:
        return _missing_function(missing.group(1))
    for kind, pattern, name in _RULES:
        if isinstance(error, kind) and pattern.search(message):
            return TrinoError(_trino_wording(message), name)
    return TrinoError(f"DuckDB failed: {message}", "GENERIC_INTERNAL_ERROR")


# DuckDB: 'Scalar Function with name x does not exist! Did you mean "<a DuckDB function>"?'.
_MISSING_FUNCTION = re.compile(
    r'^(?:Scalar |Aggregate |Table |Pragma )?Function with name "?([\w.]+)"? does not exist'
)


def _missing_function(name: str) -> TrinoError:
    """A call DuckDB cannot resolve: Trino's FUNCTION_NOT_FOUND for a name Trino and TD lack too
    (without DuckDB's suggestions, which name DuckDB functions), NOT_SUPPORTED for one of theirs
    that tdlocal does not implement, so a user knows the query is valid on TD."""
    if is_known_function(name):
        return TrinoError(
            f"Function '{name.lower()}' exists in Trino 423 / TD but tdlocal does not implement it; "
            "run this query on TD or compute it with other functions",
            "NOT_SUPPORTED",
        )
    return TrinoError(f"Function '{name.lower()}' not registered", "FUNCTION_NOT_FOUND")


# DuckDB's wording of the most common failures, in Trino's words (names stay as DuckDB found them).
_REWORDINGS = [
    (
        re.compile(
            r'^Table with name "?([^"!]+?)"? does not exist because schema "?([^"]+?)"? does not exist\.?'
        ),
        r"Schema '\2' does not exist (table '\1')",
    ),
    (re.compile(r'^Table with name "?([^"!]+?)"? does not exist!'), r"Table '\1' does not exist"),
    # Trino's analyzer: "Column 'x' cannot be resolved" (COLUMN_NOT_FOUND), qualified as written.
    (re.compile(r'^Referenced column "([^"]+)" not found.*', re.S), r"Column '\1' cannot be resolved"),
    (
        re.compile(r'^(?:Table|Values list) "([^"]+)" does not have a column named "([^"]+)".*', re.S),
        r"Column '\1.\2' cannot be resolved",
    ),
    (re.compile(r"^Referenced update column (\S+) not found.*", re.S), r"Column '\1' cannot be resolved"),
    # Trino's CONSTRAINT_VIOLATION for a NULL written to a NOT NULL column names the column only.
    (
        re.compile(r"^NOT NULL constraint failed: (?:[^.\s]+\.)*([^.\s]+)$", re.S),
        r"NULL value not allowed for NOT NULL column: \1",
    ),
    # A value out of a decimal's range: Trino's DecimalCasts / DecimalConversions say "Cannot cast
    # <TYPE> '<value>' to DECIMAL(p, s)" (INVALID_CAST_ARGUMENT); DuckDB's message does not give
    # the source type's precision, so a decimal source is named without it.
    (
        re.compile(
            r'^Casting value "([^"]*)" to type DECIMAL\((\d+),(\d+)\) failed: value is out of range!.*', re.S
        ),
        r"Cannot cast DECIMAL '\1' to DECIMAL(\2, \3)",
    ),
    (
        re.compile(r"^Could not cast value (\S+) to DECIMAL\((\d+),(\d+)\).*", re.S),
        r"Cannot cast '\1' to DECIMAL(\2, \3)",
    ),
    (
        re.compile(r'^Could not convert string "([^"]*)" to DECIMAL\((\d+),(\d+)\).*', re.S),
        r"Cannot cast VARCHAR '\1' to DECIMAL(\2, \3). Value too large.",
    ),
    # Any other text DuckDB cannot read as a number or boolean: Trino's VarcharOperators words it
    # "Cannot cast '<text>' to INT" with Trino's type names (DuckDB names its physical types).
    (
        re.compile(
            r"^Could not convert string '([^']*)' to (INT8|INT16|INT32|INT64|BOOL|DOUBLE|FLOAT)\b.*", re.S
        ),
        lambda match: f"Cannot cast '{match.group(1)}' to {_TRINO_CAST_NAMES[match.group(2)]}",
    ),
    # Trino's IntegerOperators / BigintOperators / SmallintOperators / TinyintOperators:
    # "integer addition overflow: 2147483647 + 1" (NUMERIC_VALUE_OUT_OF_RANGE).
    (
        re.compile(
            r"^Overflow in (addition|subtraction|multiplication) of (INT8|INT16|INT32|INT64) \((.*)\)!$", re.S
        ),
        lambda match: f"{_TRINO_INTEGER_NAMES[match.group(2)]} {match.group(1)} overflow: {match.group(3)}",
    ),
    # Trino's division and modulus by zero say only this (DIVISION_BY_ZERO); DuckDB's text names
    # its own rewritten expression and settings.
    (re.compile(r"^Division by zero\b.*", re.S), "Division by zero"),
    # COALESCE / CASE of columns whose types DuckDB cannot unify fail when DuckDB binds them, before
    # tdlocal.sql.coercions' own check runs: Trino's text names the common type so far (the first
    # operand's); DuckDB's CASE text does not say which result came first, so both are named.
    (
        re.compile(r"^Cannot mix values of type (\S+) and (\S+) in COALESCE operator.*", re.S),
        lambda match: f"All COALESCE operands must be the same type: {trino_type_from_text(match.group(1))}",
    ),
    (
        re.compile(r"^Cannot mix values of type (\S+) and (\S+) in CASE expression.*", re.S),
        lambda match: (
            "All CASE results must be the same type (found "
            f"{trino_type_from_text(match.group(1))} and {trino_type_from_text(match.group(2))})"
        ),
    ),
    # Trino's DropSchemaTask words a non-empty schema this way; DuckDB lists the dependents.
    (
        re.compile(r'^Cannot drop entry "([^"]+)" because there are entries that depend on it\..*', re.S),
        r"Cannot drop non-empty schema '\1': drop its tables first, or add CASCADE",
    ),
]


_TRINO_CAST_NAMES = {
    "INT8": "TINYINT",
    "INT16": "SMALLINT",
    "INT32": "INT",
    "INT64": "BIGINT",
    "BOOL": "BOOLEAN",
    "DOUBLE": "DOUBLE",
    "FLOAT": "REAL",
}

_TRINO_INTEGER_NAMES = {"INT8": "tinyint", "INT16": "smallint", "INT32": "integer", "INT64": "bigint"}

_ZONED_STRUCT_COMPARISON = re.compile(r"^Cannot compare values of type .*STRUCT\(tdlocal_instant ", re.S)
_ZONED_STRUCT_MISUSE = re.compile(
    r"^No function matches the given name and argument types '([^(]+)\(.*STRUCT\(tdlocal_instant .*", re.S
)


def _trino_wording(message: str) -> str:
    if _ZONED_STRUCT_COMPARISON.match(message):
        return (
            "tdlocal cannot compare a timestamp with time zone in a zone other than the session's, "
            "held in a column, with a timestamp in the session zone: compare to_unixtime() values, "
            "or SET TIME ZONE to that zone"
        )
    zoned = _ZONED_STRUCT_MISUSE.match(message)
    if zoned:
        function = {
            "+": "+ (interval arithmetic)",
            "-": "- (interval arithmetic)",
            "datesub": "date_diff",
        }.get(zoned.group(1), zoned.group(1))
        return (
            f"tdlocal cannot run {function} on a timestamp with time zone in a zone other than the "
            "session's: it keeps such values as (instant, zone); use CAST(x AS timestamp) for the wall "
            "clock, to_unixtime(x), or SET TIME ZONE to that zone"
        )
    for pattern, replacement in _REWORDINGS:
        message = pattern.sub(replacement, message, count=1)
    return message


def readable_message(raw: str) -> str:
    """A DuckDB message without its "X Error: " prefix, LINE/caret context and internal hints."""
    message = _ERROR_PREFIX.sub("", _LINE_CONTEXT.sub("", raw), count=1).strip()
    lines = [line for line in message.splitlines() if not _INTERNAL_HINT.search(line)]
    return "\n".join(lines).strip()


_UNRESOLVED_COLUMN = re.compile(r"^Column '([^']+)' cannot be resolved$")


def with_column_position(error: TrinoError, sql: str) -> TrinoError:
    """A COLUMN_NOT_FOUND error with Trino's `line L:C: ` prefix, located in the statement as sent.

    Trino's analyzer locates an unresolved column at its reference (a qualified `t.x` at `t`).
    DuckDB's position is in the translated SQL, so the reference is found again among the Trino
    tokens of `sql`: the first `x` not after a dot (or `t . x`). Unlocatable: the error unchanged.
    """
    match = _UNRESOLVED_COLUMN.match(error.message) if error.name == "COLUMN_NOT_FOUND" else None
    if match is None:
        return error
    parts = [part.lower() for part in match.group(1).split(".")]
    try:
        tokens = Trino().tokenize(sql)
    except Exception:  # a statement sqlglot cannot tokenize: keep DuckDB's unlocated error
        return error
    for index, token in enumerate(tokens):
        names = tokens[index : index + 2 * len(parts) - 1 : 2]
        dots = tokens[index + 1 : index + 2 * len(parts) - 1 : 2]
        if len(names) != len(parts) or any(dot.token_type != TokenType.DOT for dot in dots):
            continue
        if [name.text.lower() for name in names] != parts:
            continue
        if index > 0 and tokens[index - 1].token_type == TokenType.DOT:
            continue
        if (
            names[0].token_type not in (TokenType.VAR, TokenType.IDENTIFIER)
            and not names[0].text.isidentifier()
        ):
            continue
        # sqlglot's column is where a token ends; a quoted identifier's text lacks its quotes.
        quotes = 2 if token.token_type == TokenType.IDENTIFIER else 0
        line, column = token.line, max(1, token.col - len(token.text) - quotes + 1)
        return TrinoError(f"line {line}:{column}: {error.message}", error.name, line=line, column=column)
    return error
