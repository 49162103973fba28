"""Errors reported to Trino clients in Trino's own shape (errorName, errorCode, errorType)."""

from __future__ import annotations

# Trino's StandardErrorCode values that tdlocal reports (name -> code).
ERROR_CODES = {
    "GENERIC_USER_ERROR": 0,
    "SYNTAX_ERROR": 1,
    "USER_CANCELED": 3,
    "NOT_FOUND": 5,
    "FUNCTION_NOT_FOUND": 6,
    "INVALID_FUNCTION_ARGUMENT": 7,
    "DIVISION_BY_ZERO": 8,
    "INVALID_CAST_ARGUMENT": 9,
    "OPERATOR_NOT_FOUND": 10,
    "ALREADY_EXISTS": 12,
    "NOT_SUPPORTED": 13,
    "INVALID_SESSION_PROPERTY": 14,
    "CONSTRAINT_VIOLATION": 16,
    "TRANSACTION_CONFLICT": 17,
    "NUMERIC_VALUE_OUT_OF_RANGE": 19,
    "SUBQUERY_MULTIPLE_ROWS": 28,
    "SCHEMA_NOT_EMPTY": 34,
    "QUERY_TEXT_TOO_LARGE": 35,
    "TYPE_NOT_FOUND": 43,
    "CATALOG_NOT_FOUND": 44,
    "SCHEMA_NOT_FOUND": 45,
    "TABLE_NOT_FOUND": 46,
    "COLUMN_NOT_FOUND": 47,
    "SCHEMA_ALREADY_EXISTS": 49,
    "TABLE_ALREADY_EXISTS": 50,
    "COLUMN_ALREADY_EXISTS": 51,
    "DUPLICATE_COLUMN_NAME": 54,
    "MISSING_COLUMN_NAME": 55,
    "MISSING_SCHEMA_NAME": 57,
    "TYPE_MISMATCH": 58,
    "INVALID_LITERAL": 59,
    "AMBIGUOUS_NAME": 62,
    "EXPRESSION_NOT_AGGREGATE": 73,
    "INVALID_PARAMETER_USAGE": 80,
    "GENERIC_INTERNAL_ERROR": 65536,
}


class TrinoError(Exception):
    """A failed statement, as the client will see it: `TrinoUserError` for USER_ERROR."""

    def __init__(
        self,
        message: str,
        name: str = "GENERIC_USER_ERROR",
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        if name not in ERROR_CODES:
            raise ValueError(f"unknown Trino error name {name!r}")
        self.message = message
        self.name = name
        self.code = ERROR_CODES[name]
        self.type = "INTERNAL_ERROR" if self.code >= 65536 else "USER_ERROR"
        self.line = line
        self.column = column
