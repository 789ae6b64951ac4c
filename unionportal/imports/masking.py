"""Masking personal fields and neutralising spreadsheet formulas in everything we export."""

from unionportal.accounts.validators import mask_id_number, mask_mobile

__all__ = ["FORMULA_TRIGGERS", "mask_id_number", "mask_mobile", "neutralise"]

# A cell starting with one of these may be run as a formula by Excel, WPS or LibreOffice (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a text cell that a spreadsheet would read as a formula with an apostrophe.

    A cell already starting with an apostrophe gets one too, so that an import can take exactly one
    away again (``reading.unguard``) and re-importing an export gives back every value unchanged.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, "'")):
        return "'" + value
    return value
