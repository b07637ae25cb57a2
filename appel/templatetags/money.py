"""Amounts of money as people of the page's language write them.

A budget reads "20 000,00 €" in French and "€20,000.00" in English: the
grouping and decimal marks come from Django's formats for the active
language, and the place of the currency symbol from the translation
catalogue, since it is a convention of the language, not of the currency.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()

# Codes written with a symbol; any other ISO 4217 code is written as is ("CHF").
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


@register.filter
def money(amount, currency="EUR"):
    """`{{ call.budget_amount|money:call.budget_currency }}`, always with the cents."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return amount
    number = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return pgettext("money with a currency code", "%(amount)s %(currency)s") % {
            "amount": number,
            "currency": currency,
        }
    return pgettext("money with a currency symbol", "%(symbol)s%(amount)s") % {
        "amount": number,
        "symbol": symbol,
    }
