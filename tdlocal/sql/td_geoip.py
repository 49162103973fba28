"""TD_IP_TO_*: where an IP address is, from a MaxMind GeoIP2 / GeoLite2 City database.

TD answers from its own, current GeoIP database; tdlocal answers from the GeoLite2 City database
the `maxminddb-geolite2` package ships (a 2018 snapshot, read with MaxMind's `maxminddb` reader),
so locations are approximations of TD's: countries rarely differ, cities and subdivisions more
often. Point TDLOCAL_GEOIP_DATABASE at a newer GeoLite2-City.mmdb or GeoIP2-City.mmdb file
(downloaded from MaxMind with a free account) to get closer. As on TD, an address the database
does not know (private, reserved, malformed) gives NULL. TD_IP_TO_CONNECTION_TYPE and
TD_IP_TO_DOMAIN come from MaxMind's commercial databases, which are not City databases: they are
NULL here unless TDLOCAL_GEOIP_DATABASE names a database that has those fields.
"""

from __future__ import annotations

import functools
import ipaddress
import os
from collections.abc import Callable
from typing import Any

import maxminddb
from sqlglot import exp

from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import PythonFunction

#: Environment variable naming the .mmdb file to read instead of the packaged GeoLite2 City.
DATABASE_ENVIRONMENT_VARIABLE = "TDLOCAL_GEOIP_DATABASE"


@functools.cache
def _reader() -> maxminddb.Reader:
    path = os.environ.get(DATABASE_ENVIRONMENT_VARIABLE)
    if not path:
        from geolite2 import geolite2_database  # the packaged GeoLite2-City.mmdb

        path = geolite2_database()
    return maxminddb.open_database(path)


@functools.lru_cache(maxsize=65536)
def lookup(address: str) -> dict[str, Any] | None:
    """The database record for `address`, or None (unknown, private or not an IP address)."""
    try:
        ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    record = _reader().get(address.strip())
    return record if isinstance(record, dict) else None


def _english_name(part: dict[str, Any] | None) -> str | None:
    return None if not part else part.get("names", {}).get("en")


def _subdivision(record: dict[str, Any], index: int) -> str | None:
    subdivisions = record.get("subdivisions") or []
    return _english_name(subdivisions[index]) if subdivisions else None


_FIELDS: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "TD_IP_TO_COUNTRY_CODE": (lambda r: (r.get("country") or {}).get("iso_code"), "VARCHAR"),
    "TD_IP_TO_COUNTRY_NAME": (lambda r: _english_name(r.get("country")), "VARCHAR"),
    "TD_IP_TO_CITY_NAME": (lambda r: _english_name(r.get("city")), "VARCHAR"),
    "TD_IP_TO_LEAST_SPECIFIC_SUBDIVISION_NAME": (lambda r: _subdivision(r, 0), "VARCHAR"),
    "TD_IP_TO_MOST_SPECIFIC_SUBDIVISION_NAME": (lambda r: _subdivision(r, -1), "VARCHAR"),
    "TD_IP_TO_LATITUDE": (lambda r: (r.get("location") or {}).get("latitude"), "DOUBLE"),
    "TD_IP_TO_LONGITUDE": (lambda r: (r.get("location") or {}).get("longitude"), "DOUBLE"),
    "TD_IP_TO_POSTAL_CODE": (lambda r: (r.get("postal") or {}).get("code"), "VARCHAR"),
    "TD_IP_TO_METRO_CODE": (lambda r: (r.get("location") or {}).get("metro_code"), "BIGINT"),
    "TD_IP_TO_TIME_ZONE": (lambda r: (r.get("location") or {}).get("time_zone"), "VARCHAR"),
    "TD_IP_TO_CONNECTION_TYPE": (lambda r: r.get("connection_type"), "VARCHAR"),
    "TD_IP_TO_DOMAIN": (lambda r: r.get("domain"), "VARCHAR"),
}


def _udf(field: Callable[[dict[str, Any]], Any]) -> Callable[[str | None], Any]:
    def call(address: str | None) -> Any:
        record = None if address is None else lookup(address)
        return None if record is None else field(record)

    return call


def _udf_name(function: str) -> str:
    return f"tdlocal_{function.lower()}"


PYTHON_FUNCTIONS = [
    PythonFunction(_udf_name(name), _udf(field), ["VARCHAR"], returns, special_nulls=True)
    for name, (field, returns) in _FIELDS.items()
]

#: The TD function names this module implements (each takes one varchar address).
FUNCTION_NAMES = tuple(_FIELDS)


def rewriter(name: str) -> Callable[[list[exp.Expression], TranslationContext], exp.Expression]:
    """The td_functions rewriter for TD_IP_TO_<...> `name`."""

    def rewrite(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
        address = exp.Cast(this=arguments[0], to=exp.DataType.build("VARCHAR"))
        return exp.Anonymous(this=_udf_name(name), expressions=[address])

    return rewrite
