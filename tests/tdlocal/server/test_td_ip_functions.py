"""TD_IP_TO_* through the real `trino` client against a strict tdlocal.

GeoIP answers are approximations of TD's (TD reads its own, current database; tdlocal the
GeoLite2 City snapshot the maxminddb-geolite2 package ships), so these tests only state facts
any GeoIP database agrees on: 8.8.8.8 (Google Public DNS) is in the United States, 133.11.0.1
(the University of Tokyo's network) in Japan; and TD's rule that private, reserved or malformed
addresses give NULL.
"""

from __future__ import annotations

import shutil

import pytest

from tdlocal.sql import td_geoip


def row(connect, expressions: str) -> list:
    cursor = connect().cursor()
    cursor.execute(f"SELECT {expressions}")
    rows = cursor.fetchall()
    assert len(rows) == 1
    return rows[0]


def test_public_addresses_are_located(td_connect) -> None:
    assert row(
        td_connect,
        "TD_IP_TO_COUNTRY_CODE('8.8.8.8'), TD_IP_TO_COUNTRY_NAME('8.8.8.8'), "
        "TD_IP_TO_COUNTRY_CODE('133.11.0.1'), TD_IP_TO_TIME_ZONE('133.11.0.1')",
    ) == ["US", "United States", "JP", "Asia/Tokyo"]
    latitude, longitude = row(td_connect, "TD_IP_TO_LATITUDE('133.11.0.1'), TD_IP_TO_LONGITUDE('133.11.0.1')")
    assert 24 < latitude < 46 and 122 < longitude < 154  # inside Japan


@pytest.mark.parametrize("address", ["10.0.0.1", "192.168.1.1", "127.0.0.1", "::1", "not an address", ""])
def test_unknown_private_and_malformed_addresses_are_null(td_connect, address) -> None:
    functions = [f"{name}('{address}')" for name in td_geoip.FUNCTION_NAMES]
    assert row(td_connect, ", ".join(functions)) == [None] * len(functions)


def test_a_column_of_addresses_and_null(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("SELECT TD_IP_TO_COUNTRY_CODE(ip) FROM (VALUES '8.8.8.8', NULL, '10.1.2.3') AS t (ip)")
    assert cursor.fetchall() == [["US"], [None], [None]]


def test_tdlocal_geoip_database_names_the_file_to_read(tmp_path, monkeypatch) -> None:
    from geolite2 import geolite2_database

    copy = tmp_path / "GeoLite2-City.mmdb"
    shutil.copyfile(geolite2_database(), copy)
    monkeypatch.setenv(td_geoip.DATABASE_ENVIRONMENT_VARIABLE, str(copy))
    td_geoip._reader.cache_clear()
    td_geoip.lookup.cache_clear()
    try:
        assert td_geoip._reader().metadata().database_type.endswith("City")
        assert (td_geoip.lookup("8.8.8.8") or {}).get("country", {}).get("iso_code") == "US"
        monkeypatch.setenv(td_geoip.DATABASE_ENVIRONMENT_VARIABLE, str(tmp_path / "missing.mmdb"))
        td_geoip._reader.cache_clear()
        td_geoip.lookup.cache_clear()
        with pytest.raises(FileNotFoundError):
            td_geoip.lookup("8.8.8.8")
    finally:
        monkeypatch.delenv(td_geoip.DATABASE_ENVIRONMENT_VARIABLE)
        td_geoip._reader.cache_clear()
        td_geoip.lookup.cache_clear()
