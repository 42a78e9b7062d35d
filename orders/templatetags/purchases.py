from django import template

from orders.models import owned_order_id as owned_order_id_of

register = template.Library()


@register.simple_tag(takes_context=True)
def owned_order_id(context, product):
    """The public id of the user's paid order of `product`, or None."""
    return owned_order_id_of(context["user"], product.pk)
