from django import template

from products.models import format_cents

register = template.Library()


@register.filter
def cents(value):
    """Whole cents as people read them: {{ 123450|cents }} is "$1,234.50"."""
    return format_cents(value)
