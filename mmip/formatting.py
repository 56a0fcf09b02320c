"""How the site writes money and figures. Templates reach these through mmip_format."""

from decimal import Decimal

QUALIFIER_WORDS = {"exact": "", "over": "over ", "about": "about "}


def _grouped(value: Decimal) -> str:
    """Thousands separated, pence only when there are any: 1,500,000 or 1,234.50."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def money(amount: Decimal | int | None, *, short: bool = False) -> str:
    """'£1,500,000', or with short=True '£1.5 million' as the sources write it."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if short and abs(amount) >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.1")).normalize()
        return f"£{millions:f} million"
    return f"£{_grouped(amount)}"


def figure(value: Decimal | int | None, qualifier: str = "exact", unit: str = "") -> str:
    """A count with its qualifier, as the sources give it: 'over 150', 'about 133,000',
    '£255 million'."""
    if value is None:
        return ""
    words = QUALIFIER_WORDS.get(qualifier, "")
    if unit == "gbp":
        return words + money(value, short=True)
    return words + _grouped(Decimal(value))
