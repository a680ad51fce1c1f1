"""Cell values that are safe to hand to a spreadsheet, and roster text without control characters.

``safe_cell`` is applied by every CSV/XLSX writer in :mod:`quizzes.report`; ``clean_text`` is for
cleaning names (and other free text) when a roster is imported."""

from __future__ import annotations

import re

# What an XLSX file (XML 1.0) cannot hold. The first three ranges are exactly openpyxl's
# ILLEGAL_CHARACTERS_RE (C0 controls except \t \n \r), which makes openpyxl raise IllegalCharacterError;
# the rest are also not XML characters: U+FFFE/U+FFFF, and lone surrogates, which cannot even be
# encoded as UTF-8 when the workbook is saved.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
# (OWASP, "CSV Injection"): such a cell gets a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Control characters a name never needs: C0 except \t and \n, DEL, C1; zero-width characters
# (ZWSP, ZWNJ, ZWJ, word joiner, BOM / zero-width no-break space); and the bidirectional marks,
# embeddings, overrides and isolates, which can make a name display as something it is not.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def safe_cell(value):
    """``value`` as a spreadsheet cell: a string loses what XLSX cannot hold and, if it would be read
    as a formula, gets a leading ``'``; anything else (numbers, including negative ones, None,
    dates) is returned unchanged."""
    if not isinstance(value, str):
        return value
    text = _XLSX_ILLEGAL.sub("", value)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text


def clean_text(value):
    """``value`` without control and zero-width characters (tabs and newlines are kept); non-strings
    are returned unchanged. Meant for names and other text read from an imported roster."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value)
