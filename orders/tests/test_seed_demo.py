import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import User
from products.management.commands.seed_demo import DEMO_LOGIN, DEMO_PASSWORD
from products.models import Product, Store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug(settings):
    """The command is for development, where DEBUG is on."""
    settings.DEBUG = True


def seed(*args):
    stdout = io.StringIO()
    call_command("seed_demo", *args, stdout=stdout)
    return stdout.getvalue()


def test_seed_demo_creates_the_requested_stores_and_products_with_pictures(media_root):
    seed("--stores", "3", "--products", "7")

    assert Store.objects.count() == 3
    assert User.objects.filter(email__endswith="@demo.yumroad.test").count() == 3
    assert sorted(store.products.count() for store in Store.objects.all()) == [2, 2, 3]
    products = list(Product.objects.all())
    assert len(products) == 7
    assert all(product.picture for product in products)
    assert all((media_root / product.picture.name).is_file() for product in products)


def test_seed_demo_products_are_valid():
    seed("--stores", "2", "--products", "6")

    for product in Product.objects.all():
        product.full_clean()
    for store in Store.objects.all():
        store.full_clean()


def test_seed_demo_prints_a_login_that_works():
    output = seed("--stores", "1", "--products", "1")

    assert f"Demo login: {DEMO_LOGIN} / {DEMO_PASSWORD}" in output
    assert authenticate(email=DEMO_LOGIN, password=DEMO_PASSWORD) == User.objects.get(
        email=DEMO_LOGIN
    )


def test_running_seed_demo_twice_adds_nothing_the_second_time():
    seed("--stores", "2", "--products", "5")
    first = set(Product.objects.values_list("pk", flat=True))

    output = seed("--stores", "2", "--products", "5")

    assert Store.objects.count() == 2
    assert User.objects.count() == 2
    assert set(Product.objects.values_list("pk", flat=True)) == first
    assert "0 products added" in output


def test_seed_demo_tops_up_to_a_larger_count():
    seed("--stores", "2", "--products", "2")

    seed("--stores", "2", "--products", "6")

    assert Product.objects.count() == 6


def test_seed_demo_reset_removes_and_recreates_the_demo_data(user):
    seed("--stores", "2", "--products", "4")
    old_products = set(Product.objects.values_list("pk", flat=True))
    old_users = set(User.objects.exclude(pk=user.pk).values_list("pk", flat=True))

    output = seed("--stores", "2", "--products", "4", "--reset")

    assert "Deleted the demo accounts" in output
    assert Store.objects.exclude(owner=user).count() == 2
    assert Product.objects.count() == 4
    assert not old_products & set(Product.objects.values_list("pk", flat=True))
    assert not old_users & set(User.objects.values_list("pk", flat=True))
    assert User.objects.filter(pk=user.pk).exists()
    assert Store.objects.filter(owner=user).exists()


def test_seed_demo_prints_progress_for_large_counts():
    output = seed("--stores", "2", "--products", "1200")

    assert Product.objects.count() == 1200
    assert "  500/1200 products" in output
    assert "  1000/1200 products" in output
    assert "  1200/1200 products" in output


def test_seed_demo_prints_no_progress_for_small_counts():
    output = seed("--stores", "1", "--products", "3")

    assert "/3 products" not in output


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        seed("--stores", "1", "--products", "1")

    assert not User.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False

    seed("--stores", "1", "--products", "2", "--force")

    assert Product.objects.count() == 2


@pytest.mark.parametrize("args", [["--stores", "0"], ["--products", "-1"]])
def test_seed_demo_refuses_impossible_counts(args):
    with pytest.raises(CommandError):
        seed(*args)

    assert not User.objects.exists()


def test_seed_demo_if_empty_does_nothing_when_a_user_exists(user):
    output = seed("--stores", "2", "--products", "4", "--if-empty")

    assert "already has users" in output
    assert list(User.objects.all()) == [user]
    assert Store.objects.count() == 1
    assert not Product.objects.exists()


def test_seed_demo_if_empty_seeds_an_empty_database():
    output = seed("--stores", "1", "--products", "2", "--if-empty")

    assert Product.objects.count() == 2
    assert f"Demo login: {DEMO_LOGIN}" in output
