"""`{{ amount|vnd }}`: an amount of đồng with thousands separators (1.250.000), as `onestop.formats.vnd`."""

from django import template

from onestop import formats

register = template.Library()


@register.filter
def vnd(amount) -> str:
    try:
        return formats.vnd(amount)
    except (TypeError, ValueError):
        return ""
