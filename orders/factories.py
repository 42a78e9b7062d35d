import factory
from django.utils import timezone

from accounts.factories import UserFactory
from products.factories import ProductFactory

from .models import Order


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending order for a product, copied from it as checkout makes one;
    `OrderFactory(paid=True)` for one already paid."""

    buyer = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("buyer.email")
    product = factory.SubFactory(ProductFactory)
    store = factory.SelfAttribute("product.store")
    product_name = factory.SelfAttribute("product.name")
    amount_cents = factory.SelfAttribute("product.price_cents")
    provider = Order.Provider.TEST

    class Meta:
        model = Order

    class Params:
        paid = factory.Trait(status=Order.Status.PAID, paid_at=factory.LazyFunction(timezone.now))
