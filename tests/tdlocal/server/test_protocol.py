"""The protocol documents (`tdlocal.protocol`): QueryResults and the `error` object."""

from __future__ import annotations

from tdlocal import protocol
from tdlocal.errors import TrinoError


def test_error_info_has_the_fields_the_client_reads() -> None:
    error = TrinoError("line 1:8: mismatched input", "SYNTAX_ERROR", line=1, column=8)
    info = protocol.error_info(error)
    assert (
        info["errorName"] == "SYNTAX_ERROR" and info["errorCode"] == 1 and info["errorType"] == "USER_ERROR"
    )
    assert info["errorLocation"] == {"lineNumber": 1, "columnNumber": 8}
    assert info["failureInfo"]["type"] == "io.trino.sql.parser.ParsingException"
    internal = protocol.error_info(protocol.internal_error(RuntimeError("boom")))
    assert internal["errorType"] == "INTERNAL_ERROR" and internal["message"] == "RuntimeError: boom"


def test_query_results_document_shape() -> None:
    document = protocol.query_results(
        "q1",
        "http://h/v1/query/q1",
        "FINISHED",
        columns=[protocol.UPDATE_COUNT_COLUMN],
        data=[[5]],
        update_type="INSERT",
        update_count=5,
    )
    assert document["id"] == "q1" and "nextUri" not in document
    assert document["stats"]["state"] == "FINISHED"
    assert document["columns"][0]["name"] == "rows" and document["data"] == [[5]]
    assert (document["updateType"], document["updateCount"]) == ("INSERT", 5)
