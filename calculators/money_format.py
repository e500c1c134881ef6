"""Decimal yuan rendered for formulas and answers: plain, with thousands separators, or in 万元."""

from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal) -> Decimal:
    """Drop exponent notation: Decimal("1.2E+8") → Decimal("120000000")."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def yuan_str(value: Decimal) -> str:
    """Decimal yuan as a plain string without exponent: "1800000", "12345.6"."""
    return format(plain_decimal(value), "f")


def format_yuan(value: Decimal) -> str:
    """Yuan with thousands separators for formulas: 1800000 → "1,800,000"; fen kept when present."""
    plain = plain_decimal(value)
    if plain == plain.to_integral_value():
        return f"{plain:,.0f}"
    return f"{plain.quantize(Decimal('0.01')):,.2f}"


def format_wan(value: Decimal) -> str:
    """Yuan rendered in 万元 for answers: 1800000 → "180万元", 125000 → "12.5万元"."""
    wan = plain_decimal(value) / Decimal(10000)
    text = format(plain_decimal(wan), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万元"
