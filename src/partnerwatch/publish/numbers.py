"""Numbers as a reader reads them in a sentence: "$653 million", "about 10,000", "7.6%", "fell by 83%".

One set of filters for every format and every sentence, the way a style
guide keeps one rule for rounding: a renderer or a sentence template never
rounds a number of its own. Text rounds to three significant digits; tables
and downloads keep the exact value. Built on Babel (CLDR's number patterns),
so the grouping and the compact words ("million", "billion") are the
locale's, not hand-rolled.
"""

from __future__ import annotations

import math

from babel.numbers import format_compact_decimal, format_decimal

LOCALE = "en_US"
MINUS = "\u2212"


def _significant(value: float, digits: int = 3) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _compact(size: float) -> str:
    """652,883,353 -> '653 million'; 16,560,000 -> '16.6 million'; 405,000 -> '405,000'."""
    rounded = _significant(size)
    if rounded < 1e6:
        return format_decimal(rounded, format="#,##0", locale=LOCALE)
    scaled = rounded / (1e9 if rounded >= 1e9 else 1e6)
    fraction = 0 if scaled >= 100 else 1 if scaled >= 10 else 2
    return str(format_compact_decimal(rounded, format_type="long", locale=LOCALE, fraction_digits=fraction))


def money(value: float, qualifier: str = "") -> str:
    """U.S. dollars for a sentence: '$69 million', '$405,000', '−$3,000'."""
    sign = MINUS if value < 0 else ""
    return _qualified(f"{sign}${_compact(abs(value))}", qualifier)


def count(value: float, qualifier: str = "") -> str:
    """People, events, cases: '1,870', 'about 10,000', '1.2 million'."""
    size = abs(value)
    text = _compact(size) if size >= 1e6 else format_decimal(round(size), format="#,##0", locale=LOCALE)
    return _qualified((MINUS if value < 0 else "") + text, qualifier)


def percent(value: float, qualifier: str = "") -> str:
    """A percentage given in percent units: 7.62 -> '7.6%', 40 -> '40%'."""
    digits = "#,##0" if abs(value) >= 10 else "#,##0.#"
    return _qualified(format_decimal(value, format=digits, locale=LOCALE) + "%", qualifier)


def share(part: float, whole: float) -> str:
    """A part of a whole as a percentage: (33.06, 86.1) -> '38%'."""
    return percent(100 * part / whole) if whole else ""


def change(before: float, after: float) -> str:
    """How a value moved, in words: 'rose by 12%', 'fell by 83%', 'was unchanged', 'more than doubled'."""
    if before == 0:
        return "rose from zero" if after > 0 else "was unchanged"
    ratio = after / before
    if ratio >= 2:
        return f"rose {fold(ratio)}"
    moved = 100 * (ratio - 1)
    if abs(moved) < 0.5:
        return "was unchanged"
    return f"{'rose' if moved > 0 else 'fell'} by {percent(abs(moved))}"


def _ratio(ratio: float) -> tuple[str, bool]:
    """The ratio in figures, and whether it is a whole number small enough to write in words."""
    whole = round(ratio)
    if abs(ratio - whole) < 0.05 and 2 <= whole <= 10:
        return number_word(whole) if whole < 10 else "ten", True
    return format_decimal(_significant(ratio, 2), format="#,##0.#", locale=LOCALE), False


def times(ratio: float) -> str:
    """A ratio for reading: 5.02 -> 'five times'; 2.5 -> '2.5 times'."""
    return f"{_ratio(ratio)[0]} times"


def fold(ratio: float) -> str:
    """A growth ratio: 5.0 -> 'fivefold', 17.8 -> '18-fold', 2.5 -> '2.5-fold'."""
    text, word = _ratio(ratio)
    return f"{text}fold" if word else f"{text}-fold"


def ordinal(rank: int) -> str:
    """3 -> 'third', 12 -> '12th' (words up to tenth, as style guides ask)."""
    words = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    if 1 <= rank <= len(words):
        return words[rank - 1]
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def number_word(value: int) -> str:
    """Small whole numbers in words, larger ones in figures: 3 -> 'three', 12 -> '12'."""
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[value] if 0 <= value < len(words) else count(value)


def _qualified(text: str, qualifier: str) -> str:
    return f"{qualifier} {text}" if qualifier else text
