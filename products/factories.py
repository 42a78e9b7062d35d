import factory

from accounts.factories import UserFactory

from .models import Product, Store


class StoreFactory(factory.django.DjangoModelFactory):
    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Store number {n}")

    class Meta:
        model = Store


class ProductFactory(factory.django.DjangoModelFactory):
    store = factory.SubFactory(StoreFactory)
    name = factory.Sequence(lambda n: f"Product number {n}")
    description = "A thing worth having."
    price_cents = 500
    file = factory.django.FileField(filename="guide.txt", data=b"The thing itself.\n")
    file_name = "guide.txt"

    class Meta:
        model = Product
