"""The HTTP edge: Trino's client protocol (`/v1/statement`, `/v1/info`) served over an Engine.

A POST reads the statement text and X-Trino-* headers, starts a query (`tdlocal.queries`) and waits
briefly for it; a fast statement is answered in that single round trip, a slow one is answered
QUEUED/RUNNING with a `nextUri` that the client polls (each GET waits up to a second). Every
failure, including malformed requests, is answered in Trino's error shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from tdlocal import protocol
from tdlocal.errors import TrinoError
from tdlocal.queries import Page, QueryRegistry, RunningQuery, StatementEngine
from tdlocal.session_headers import session_from_headers
from tdlocal.statement_log import StatementLog

logger = logging.getLogger("tdlocal.server")

# Trino release whose SQL dialect TD serves; reported in /v1/info so clients see a familiar version.
TD_TRINO_VERSION = "423"
TDLOCAL_VERSION = "0.1.0"
# How long a POST waits for its statement before answering QUEUED/RUNNING; most statements finish
# well within it, which saves the client a round trip.
POST_WAIT_SECONDS = 1.0
# How long a GET on a nextUri waits for a running statement (Trino long-polls the same way).
POLL_WAIT_SECONDS = 1.0
# Bodies beyond this are not even read: the connection is closed after the error.
MAX_BODY_BYTES = 64 * 1024 * 1024

JSON_MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class ServerIdentity:
    """What /v1/info reports about this tdlocal, so callers can check who answers on a port."""

    data_dir: Path
    strict: bool
    started_at: float
    pid: int

    def info(self) -> dict[str, Any]:
        uptime = time.time() - self.started_at
        return {
            "nodeVersion": {"version": f"{TD_TRINO_VERSION}-tdlocal-{TDLOCAL_VERSION}"},
            "environment": "tdlocal",
            "coordinator": True,
            "starting": False,
            "uptime": f"{uptime / 60:.2f}m" if uptime >= 60 else f"{uptime:.2f}s",
            "tdlocal": {
                "version": TDLOCAL_VERSION,
                "dataDir": str(self.data_dir),
                "strict": self.strict,
                "pid": self.pid,
            },
        }


def _json_response(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        protocol.to_json_bytes(document), status_code=status, headers=headers, media_type=JSON_MEDIA_TYPE
    )


def _error_response(status: int, message: str, name: str = "GENERIC_USER_ERROR") -> Response:
    return _json_response(protocol.error_document(TrinoError(message, name)), status)


def _page_response(page: Page) -> Response:
    return Response(page.body, status_code=page.status, headers=page.headers, media_type=JSON_MEDIA_TYPE)


def _request_headers(request: Request) -> dict[str, str]:
    """The request's headers by lower-case name; of a repeated header the first, as Starlette's
    `Headers.get` answers. Built once per statement: each `Headers.get` scans and decodes every header."""
    headers: dict[str, str] = {}
    for name, value in request.scope["headers"]:
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


def _base_url(request: Request, headers: dict[str, str]) -> str:
    # From the Host header, as Starlette's base_url does, without building URL objects per request.
    host = headers.get("host")
    if not host:
        return str(request.base_url).rstrip("/")
    return f"{request.scope['scheme']}://{host}{request.scope.get('root_path', '')}".rstrip("/")


async def _read_statement_text(request: Request, headers: dict[str, str]) -> str:
    """The request body as SQL text; raises TrinoError for a body too large or not UTF-8."""
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise protocol.query_text_too_large(int(declared))
    # A UTF-8 character takes at most 4 bytes: beyond that many bytes the text is surely too long.
    keep_bytes = protocol.MAX_QUERY_TEXT_LENGTH * 4
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise protocol.query_text_too_large(size)
        if size <= keep_bytes:
            chunks.append(chunk)
    if size > keep_bytes:
        raise protocol.query_text_too_large(size)
    body = b"".join(chunks)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as failure:
        raise TrinoError(
            f"Query text is not valid UTF-8 (bad byte at offset {failure.start}): send the statement as UTF-8 text"
        ) from None
    if len(text) > protocol.MAX_QUERY_TEXT_LENGTH:
        raise protocol.query_text_too_large(len(text))
    if not text.strip():
        raise TrinoError("SQL statement is empty: send the statement text as the request body")
    return text


async def _wait_for_execution(query: RunningQuery, seconds: float) -> None:
    if not query.executed.done():
        await asyncio.wait([asyncio.wrap_future(query.executed)], timeout=seconds)


def create_app(
    engine: StatementEngine,
    *,
    data_dir: Path | str,
    strict: bool,
    statement_log: StatementLog | None = None,
) -> Starlette:
    """The Starlette application serving Trino's client protocol over `engine`."""
    queries = QueryRegistry(engine, statement_log)
    identity = ServerIdentity(Path(data_dir).resolve(), strict, time.time(), os.getpid())

    async def submit_statement(request: Request) -> Response:
        headers = _request_headers(request)
        base_url = _base_url(request, headers)
        stale = queries.take_stale()
        if stale:
            await asyncio.to_thread(queries.cancel_queries, stale)
        sql = ""
        try:
            sql = await _read_statement_text(request, headers)
            session = session_from_headers(headers)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is left to read an answer
        except TrinoError as failure:
            too_large = failure.name == "QUERY_TEXT_TOO_LARGE"
            headers = {"Connection": "close"} if too_large else None
            return _json_response(queries.failed(base_url, failure, sql), 200, headers)
        query = queries.start(sql, session, base_url)
        await _wait_for_execution(query, POST_WAIT_SECONDS)
        if query.executed.done():
            # The worker has built page 0 (or the failure) already: no fetch, no blocking.
            return _page_response(query.page(0))
        return _page_response(await asyncio.to_thread(query.page, 0))

    def find_query(request: Request) -> RunningQuery | Response:
        query_id = request.path_params["query_id"]
        query = queries.get(query_id)
        if query is None or query.slug != request.path_params["slug"]:
            return _error_response(
                404,
                f"Query {query_id!r} is not known to this tdlocal server: it finished long ago, was "
                "canceled, or the server restarted. Run the statement again",
                "NOT_FOUND",
            )
        return query

    async def next_page(request: Request) -> Response:
        query = find_query(request)
        if isinstance(query, Response):
            return query
        await _wait_for_execution(query, POLL_WAIT_SECONDS)
        return _page_response(await asyncio.to_thread(query.page, request.path_params["token"]))

    async def cancel_query(request: Request) -> Response:
        query = find_query(request)
        if isinstance(query, Response):
            return query
        await asyncio.to_thread(query.cancel)
        return Response(status_code=204)

    async def heartbeat(request: Request) -> Response:
        query = find_query(request)
        if isinstance(query, Response):
            return Response(status_code=404)
        query.last_touched = time.monotonic()
        return Response(status_code=200)

    async def query_info(request: Request) -> Response:
        query = queries.get(request.path_params["query_id"])
        if query is None:
            return _error_response(
                404, f"Query {request.path_params['query_id']!r} is not known", "NOT_FOUND"
            )
        return _json_response(
            {"queryId": query.id, "state": query.state, "query": query.sql, "self": query.info_uri}
        )

    async def server_info(request: Request) -> Response:
        return _json_response(identity.info())

    async def server_state(request: Request) -> Response:
        return _json_response("ACTIVE")

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error_response(
            404,
            f"{request.method} {request.url.path} is not part of the Trino client protocol tdlocal serves: "
            "use POST /v1/statement, the nextUri it returns, or GET /v1/info",
            "NOT_FOUND",
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return await not_found(request, exc)
        detail = exc.detail if isinstance(exc, HTTPException) else str(exc)
        return _error_response(status, f"{request.method} {request.url.path}: {detail}")

    async def unexpected_error(request: Request, exc: Exception) -> Response:
        logger.error("unexpected error serving %s %s", request.method, request.url.path, exc_info=exc)
        return _error_response(
            500,
            f"tdlocal failed to serve {request.method} {request.url.path}: {exc}",
            "GENERIC_INTERNAL_ERROR",
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(queries.cancel_all)

    # The URIs that protocol.next_page_uri and protocol.query_info_uri hand out.
    statement_page = "/v1/statement/executing/{query_id}/{slug}/{token:int}"
    routes = [
        Route("/v1/statement", submit_statement, methods=["POST"]),
        # HEAD first: a GET route would also claim HEAD requests.
        Route(statement_page, heartbeat, methods=["HEAD"]),
        Route(statement_page, next_page, methods=["GET"]),
        Route(statement_page, cancel_query, methods=["DELETE"]),
        Route("/v1/query/{query_id}", query_info, methods=["GET"]),
        Route("/v1/info", server_info, methods=["GET"]),
        Route("/v1/info/state", server_state, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: unexpected_error},
        lifespan=lifespan,
    )
    app.state.queries = queries
    app.state.identity = identity
    return app
