"""Trino's color functions: `bar`, `color`, `rgb`, as Trino's ColorFunctions compute them.

`bar(x, width[, low_color, high_color])` draws `x * width` cells of U+2588, each preceded by an
ANSI 256-colour escape interpolated from low to high color in HSB space, then a reset and spaces
up to `width`. Trino does the interpolation with java.awt.Color's float arithmetic, so this
module repeats those exact float32 steps (RGB -> HSB -> RGB with Java's rounding): with doubles,
a cell's colour index can come out one step off. A color is a bigint as in Trino: 0xRRGGBB for
RGB colours, -(index + 1) for the eight named system colours.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sqlglot import exp

from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import PythonFunction

if TYPE_CHECKING:
    import numpy as np

BAR = "tdlocal_bar"
COLOR = "tdlocal_color"
RGB = "tdlocal_rgb"

_ANSI_RESET = "\x1b[0m"
_CELL = "\u2588"
# Trino's default bar colours: rgb(255, 0, 0) to rgb(0, 255, 0).
_RED, _GREEN = 0xFF0000, 0x00FF00
_SYSTEM_COLORS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def _F(value: float) -> np.float32:
    """`value` as Java's float (numpy's float32). numpy is imported at the first colour computed,
    not with the engine: its import starts a BLAS thread pool, and a process with threads (the CLI
    loading tdlocal's sample data) cannot fork dbt (orchestration/forked_dbt.py)."""
    import numpy

    return numpy.float32(value)


def rgb(red: int, green: int, blue: int) -> int:
    """rgb(r, g, b) -> color (0xRRGGBB); each component 0..255 (Trino's message otherwise)."""
    for name, value in (("red", red), ("green", green), ("blue", blue)):
        if not 0 <= value <= 255:
            raise ValueError(f"{name} must be between 0 and 255")
    return (red << 16) | (green << 8) | blue


def color(text: str) -> int:
    """color('#rgb' | system colour name) -> color; '#f0f' doubles each digit (CSS), as in Trino."""
    if len(text) == 4 and text[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in text[1:]):
        red, green, blue = (int(c * 2, 16) for c in text[1:])
        return rgb(red, green, blue)
    name = text.lower()
    if name in _SYSTEM_COLORS:
        return -(_SYSTEM_COLORS.index(name) + 1)
    raise ValueError(f"Invalid color: '{text}'")


def bar(fraction: float, width: int, low_color: int = _RED, high_color: int = _GREEN) -> str:
    """The bar Trino draws for `fraction` of `width` cells (see the module docstring)."""
    count = max(0, min(width, _java_int(fraction * width)))
    cells = []
    for index in range(count):
        position = _F(index / (width - 1)) if width > 1 else _F(math.nan)
        cells.append(f"\x1b[38;5;{_ansi_index(_interpolate(position, low_color, high_color))}m{_CELL}")
    return "".join(cells) + _ANSI_RESET + " " * (width - count)


def _java_int(value: float) -> int:
    """Java's (int) cast of a double: toward zero, NaN to 0, saturating at int's bounds."""
    if math.isnan(value):
        return 0
    return int(max(-(2**31), min(2**31 - 1, math.trunc(value) if math.isfinite(value) else value)))


def _components(rgb_value: int) -> tuple[int, int, int]:
    if rgb_value < 0:
        raise ValueError("color is not a valid rgb value")
    return (rgb_value >> 16) & 0xFF, (rgb_value >> 8) & 0xFF, rgb_value & 0xFF


def _interpolate(position: np.float32, low: int, high: int) -> int:
    low_hsb, high_hsb = _rgb_to_hsb(*_components(low)), _rgb_to_hsb(*_components(high))
    hue, saturation, brightness = (
        _F(position * (h - lo) + lo) for lo, h in zip(low_hsb, high_hsb, strict=True)
    )
    return _hsb_to_rgb(hue, saturation, brightness)


def _rgb_to_hsb(red: int, green: int, blue: int) -> tuple[np.float32, np.float32, np.float32]:
    """java.awt.Color.RGBtoHSB, in float32."""
    high, low = max(red, green, blue), min(red, green, blue)
    brightness = _F(high) / _F(255.0)
    saturation = _F(high - low) / _F(high) if high != 0 else _F(0)
    if saturation == 0:
        return _F(0), saturation, brightness
    span = _F(high - low)
    red_c, green_c, blue_c = (_F(high - c) / span for c in (red, green, blue))
    if red == high:
        hue = blue_c - green_c
    elif green == high:
        hue = _F(2.0) + red_c - blue_c
    else:
        hue = _F(4.0) + green_c - red_c
    hue = hue / _F(6.0)
    if hue < 0:
        hue = hue + _F(1.0)
    return _F(hue), saturation, brightness


def _hsb_to_rgb(hue: np.float32, saturation: np.float32, brightness: np.float32) -> int:
    """java.awt.Color.HSBtoRGB, in float32, without the alpha byte."""

    def byte(value: np.float32) -> int:
        return int(_F(value * _F(255.0) + _F(0.5)))

    if saturation == 0:
        grey = byte(brightness)
        return (grey << 16) | (grey << 8) | grey
    sector_position = _F((hue - _F(math.floor(hue))) * _F(6.0))
    fraction = _F(sector_position - _F(math.floor(sector_position)))
    p = _F(brightness * (_F(1.0) - saturation))
    q = _F(brightness * (_F(1.0) - saturation * fraction))
    t = _F(brightness * (_F(1.0) - saturation * (_F(1.0) - fraction)))
    sector = int(sector_position)
    red, green, blue = {
        0: (brightness, t, p),
        1: (q, brightness, p),
        2: (p, brightness, t),
        3: (p, q, brightness),
        4: (t, p, brightness),
        5: (brightness, p, q),
    }.get(sector, (_F(0), _F(0), _F(0)))
    return (byte(red) << 16) | (byte(green) << 8) | byte(blue)


def _ansi_index(rgb_value: int) -> int:
    """The xterm 256-colour index of a color (Trino's toAnsi): a 6x6x6 cube, or a system colour."""
    if rgb_value < 0:
        return -rgb_value - 1
    red, green, blue = (component * 6 // 256 for component in _components(rgb_value))
    return 16 + red * 36 + green * 6 + blue


def _bar_udf(fraction: float, width: int, low_color: int, high_color: int) -> str:
    return bar(fraction, width, low_color, high_color)


PYTHON_FUNCTIONS = [
    PythonFunction(BAR, _bar_udf, ["DOUBLE", "BIGINT", "BIGINT", "BIGINT"], "VARCHAR"),
    PythonFunction(COLOR, color, ["VARCHAR"], "BIGINT"),
    PythonFunction(RGB, rgb, ["BIGINT", "BIGINT", "BIGINT"], "BIGINT"),
]


def bar_call(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """bar(x, width) or bar(x, width, low_color, high_color) -> varchar."""
    arguments = list(node.expressions)
    if len(arguments) == 2:
        arguments += [exp.Literal.number(_RED), exp.Literal.number(_GREEN)]
    return exp.Anonymous(this=BAR, expressions=arguments)


def color_call(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """color(varchar) -> color (a bigint here)."""
    return exp.Anonymous(this=COLOR, expressions=list(node.expressions))


def rgb_call(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """rgb(r, g, b) -> color (a bigint here)."""
    return exp.Anonymous(this=RGB, expressions=list(node.expressions))


ANONYMOUS_FIXES = {"bar": bar_call, "color": color_call, "rgb": rgb_call}
