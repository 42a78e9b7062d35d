import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageChops

from accounts.models import User
from orders.factories import OrderFactory
from orders.management.commands.seed_demo import (
    BUYER_ORDERS,
    COVER_MARGIN,
    CUSTOMER_FIRST_NAMES,
    CUSTOMER_LAST_NAMES,
    DEMO_BUYER,
    DEMO_LOGIN,
    DEMO_PASSWORD,
    PALETTES,
    STORE_BIOS,
    THINGS,
    TITLE_TOP,
    draw_cover,
)
from orders.models import DiscountCode, Order, SalesVersion
from orders.tasks import send_receipt, send_refund_notice, send_sale_notice
from products.factories import ProductFactory
from products.models import CatalogVersion, Product, Store
from products.pictures import sizes_of

pytestmark = pytest.mark.django_db

CUSTOMERS = len(CUSTOMER_FIRST_NAMES) * len(CUSTOMER_LAST_NAMES)


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
    # Three creators, the buyer and the customers.
    assert User.objects.filter(store__isnull=False).count() == 3
    assert User.objects.filter(email__endswith="@demo.yumroad.test").count() == 4 + CUSTOMERS
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
    users = set(User.objects.values_list("pk", flat=True))

    output = seed("--stores", "2", "--products", "5")

    assert Store.objects.count() == 2
    assert set(User.objects.values_list("pk", flat=True)) == users
    assert set(Product.objects.values_list("pk", flat=True)) == first
    assert "0 products added" in output
    assert "0 orders added" in output
    assert "0 demo sales added" in output


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


def test_seed_demo_if_empty_prints_both_logins_when_the_demo_data_exists():
    seed("--stores", "2", "--products", "4")

    output = seed("--if-empty")

    assert "already has users" in output
    assert f"Demo login: {DEMO_LOGIN} / {DEMO_PASSWORD}" in output
    assert f"Demo buyer: {DEMO_BUYER} / {DEMO_PASSWORD}" in output


# Covers and store profiles


def open_picture(field):
    with field.open("rb") as file:
        image = Image.open(file)
        image.load()
    return image


def test_a_cover_shows_the_kind_above_and_the_title_below():
    palette = PALETTES[0]
    font_family = Image.open(io.BytesIO(draw_cover("Cozy Font Family", "Font Family", palette)))
    beat_tape = Image.open(io.BytesIO(draw_cover("Cozy Font Family", "Beat Tape", palette)))
    other_title = Image.open(io.BytesIO(draw_cover("Wild Font Family", "Font Family", palette)))
    # Clear of the 16-pixel JPEG blocks the motif touches: the title's area.
    motif_area, title_area = (0, 0, 800, TITLE_TOP - 32), (0, TITLE_TOP + 14, 800, 600)

    assert (font_family.format, font_family.size) == ("JPEG", (800, 600))
    assert font_family.crop(motif_area).tobytes() != beat_tape.crop(motif_area).tobytes()
    assert font_family.crop(title_area).tobytes() == beat_tape.crop(title_area).tobytes()
    assert font_family.crop(title_area).tobytes() != other_title.crop(title_area).tobytes()
    # Large type: one line of the title ("Cozy Font Family" fits on one) is
    # more than 50 pixels high. The accent strip on the left edge is left out.
    text_area = (COVER_MARGIN - 8, TITLE_TOP + 14, 800, 600)
    text = font_family.crop(text_area)
    ink = ImageChops.difference(text, Image.new("RGB", text.size, palette[0])).convert("L")
    left, top, right, bottom = ink.point(lambda value: 255 if value > 64 else 0).getbbox()
    assert bottom - top > 50
    assert right - left > 400


def test_long_titles_wrap_within_the_cover():
    cover = Image.open(
        io.BytesIO(draw_cover("Midnight Photo Presets " * 3, "Icon Pack", PALETTES[1]))
    )

    # The right margin stays clear: nothing ran off the edge.
    margin = cover.crop((780, TITLE_TOP, 800, 600)).convert("L")
    assert margin.getextrema()[1] - margin.getextrema()[0] < 40


def test_each_demo_name_has_its_own_cover_shared_by_its_volumes(media_root):
    seed("--stores", "2", "--products", "60")

    products = list(Product.objects.all())
    covers = {product.picture.name for product in products}
    assert len(covers) == 6 * 8
    for product in products:
        title = product.name.split(" Vol. ")[0]
        assert product.picture.name == f"demo/cover-{slugify(title)}.jpg"
    corners = set()
    for name in covers:
        assert (media_root / name).stat().st_size < 100_000
        with Image.open(media_root / name) as image:
            assert (image.format, image.size) == ("JPEG", (800, 600))
            corners.add(image.getpixel((790, 10)))
    # Varied palettes: not one colour for all.
    assert len(corners) >= 8


def test_seed_demo_draws_only_the_covers_its_products_need(media_root):
    seed("--stores", "1", "--products", "3")

    assert len(list((media_root / "demo").glob("cover-*.jpg"))) == 3

    seed("--stores", "2", "--products", "300")

    assert len(list((media_root / "demo").glob("cover-*.jpg"))) == 6 * 8


def test_demo_covers_and_avatars_have_their_sizes(media_root):
    # Products are bulk-created: no save makes the sizes for them.
    seed("--stores", "2", "--products", "3")

    pictures = [product.picture for product in Product.objects.all()]
    pictures += [store.avatar for store in Store.objects.all()]
    for picture in pictures:
        for width, height in picture.field.model.picture_sizes[picture.field.name]:
            with Image.open(media_root / sizes_of(picture.field, picture.name)[width]) as size:
                assert (size.format, size.size) == ("WEBP", (width, height))


def test_covers_differ_between_kinds():
    seed("--stores", "1", "--products", str(len(THINGS)))

    motifs = {
        product.name: open_picture(product.picture).crop((0, 0, 800, TITLE_TOP - 32)).tobytes()
        for product in Product.objects.all()
    }
    assert sorted(motifs) == sorted(f"Cozy {thing}" for thing in THINGS)
    assert len(set(motifs.values())) == len(THINGS)


def test_demo_stores_have_a_bio_and_a_monogram_avatar():
    seed("--stores", "6", "--products", "0")

    stores = list(Store.objects.order_by("pk"))
    assert [store.bio for store in stores] == [*STORE_BIOS, STORE_BIOS[0]]
    for store in stores:
        avatar = open_picture(store.avatar)
        assert (avatar.format, avatar.size) == ("PNG", (256, 256))
    # The sixth store ("Pixel Kitchen 6") shares the first one's.
    assert stores[5].avatar.name == stores[0].avatar.name
    assert len({store.avatar.name for store in stores}) == 5


def test_demo_stores_without_a_profile_get_one_and_keep_their_own():
    seed("--stores", "2", "--products", "0")
    first, second = Store.objects.order_by("pk")
    Store.objects.filter(pk=first.pk).update(bio="", avatar="")
    Store.objects.filter(pk=second.pk).update(bio="Our own words.")

    seed("--stores", "2", "--products", "0")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.bio == STORE_BIOS[0]
    assert first.avatar.name == "demo/avatar-pixel-kitchen.png"
    assert second.bio == "Our own words."


def test_seed_demo_reset_keeps_the_shared_covers_and_avatars(
    django_capture_on_commit_callbacks, media_root
):
    seed("--stores", "2", "--products", "4")
    pictures = set(Product.objects.values_list("picture", flat=True))
    avatars = set(Store.objects.values_list("avatar", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        seed("--stores", "2", "--products", "4", "--reset")

    assert set(Product.objects.values_list("picture", flat=True)) == pictures
    assert set(Store.objects.values_list("avatar", flat=True)) == avatars
    assert all((media_root / name).is_file() for name in pictures | avatars)
    sizes = [
        name
        for field, names in [(Product.picture.field, pictures), (Store.avatar.field, avatars)]
        for picture in names
        for name in sizes_of(field, picture).values()
    ]
    assert all((media_root / name).is_file() for name in sizes)


# Files


def test_every_demo_product_has_a_private_file_that_opens(private_storage, media_root):
    seed("--stores", "2", "--products", "8")

    for product in Product.objects.all():
        assert product.file.storage is private_storage
        assert private_storage.exists(product.file.name)
        assert not (media_root / product.file.name).exists()
        with product.file.open("rb") as file, zipfile.ZipFile(file) as archive:
            assert archive.testzip() is None
            readme = archive.read("README.txt").decode()
        assert "Yumroad demo product" in readme
        assert len(archive.namelist()) == 2


def test_demo_files_are_downloaded_under_the_products_name():
    seed("--stores", "1", "--products", "2")

    names = dict(Product.objects.values_list("name", "file_name"))

    assert names == {
        "Cozy Icon Pack": "cozy-icon-pack.zip",
        "Cozy Recipe Book": "cozy-recipe-book.zip",
    }
    assert {product.download_name for product in Product.objects.all()} == set(names.values())


def test_demo_files_are_made_once_and_shared(private_storage):
    seed("--stores", "3", "--products", "30")

    files = set(Product.objects.values_list("file", flat=True))

    assert len(files) == 6
    assert set(private_storage.listdir("demo")[1]) == {name.split("/")[1] for name in files}


# The demo buyer


def test_demo_buyer_has_three_paid_orders_from_different_stores(mailoutbox):
    output = seed("--stores", "4", "--products", "12")

    buyer = User.objects.get(email=DEMO_BUYER)
    orders = list(Order.objects.filter(buyer=buyer).select_related("product"))
    assert len(orders) == 3
    assert len({order.store_id for order in orders}) == 3
    for order in orders:
        assert order.status == Order.Status.PAID
        assert order.provider == Order.Provider.TEST
        assert order.paid_at is not None
        assert order.email == buyer.email
        assert order.store_id == order.product.store_id
        assert order.product_name == order.product.name
        assert order.amount_cents == order.product.price_cents > 0
        assert order.product.file
    assert not hasattr(buyer, "store")
    assert "3 orders added for the demo buyer" in output
    assert f"Demo buyer: {DEMO_BUYER} / {DEMO_PASSWORD}" in output
    assert authenticate(email=DEMO_BUYER, password=DEMO_PASSWORD) == buyer
    assert mailoutbox == []


def test_demo_buyer_with_one_store_buys_three_of_its_products():
    seed("--stores", "1", "--products", "4")

    orders = Order.objects.filter(buyer__email=DEMO_BUYER)

    assert orders.count() == 3
    assert len(set(orders.values_list("product", flat=True))) == 3
    assert all(order.amount_cents > 0 for order in orders)


def test_demo_buyer_without_products_has_no_orders():
    output = seed("--stores", "2", "--products", "0")

    assert User.objects.filter(email=DEMO_BUYER).exists()
    assert not Order.objects.exists()
    assert f"Demo buyer: {DEMO_BUYER}" in output


def test_running_seed_demo_again_adds_no_orders():
    seed("--stores", "3", "--products", "9")
    first = set(Order.objects.values_list("pk", flat=True))

    output = seed("--stores", "3", "--products", "9")

    assert set(Order.objects.values_list("pk", flat=True)) == first
    assert "0 orders added for the demo buyer, 0 demo sales added" in output


def test_demo_buyer_is_topped_up_to_three_orders_without_buying_twice():
    seed("--stores", "1", "--products", "2")
    # Only two products, one of them free: that one is "bought" the free way.
    assert sorted(
        Order.objects.filter(buyer__email=DEMO_BUYER).values_list("provider", "amount_cents")
    ) == [
        ("free", 0),
        ("test", 300),
    ]

    seed("--stores", "3", "--products", "9")

    orders = Order.objects.filter(buyer__email=DEMO_BUYER)
    assert orders.count() == 3
    assert len(set(orders.values_list("product", flat=True))) == 3


def test_demo_buyer_downloads_a_purchase(client):
    seed("--stores", "3", "--products", "9")
    order = Order.objects.filter(buyer__email=DEMO_BUYER).select_related("product").first()
    client.login(email=DEMO_BUYER, password=DEMO_PASSWORD)

    response = client.get(reverse("orders:download", args=[order.public_id]))

    assert response.status_code == 200
    assert f'filename="{order.product.file_name}"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "README.txt" in archive.namelist()


# Reset with orders


def test_seed_demo_reset_deletes_the_demo_accounts_orders_first(user):
    seed("--stores", "2", "--products", "4")
    demo_product = Product.objects.filter(store__owner__email=DEMO_LOGIN).first()
    sale_to_a_stranger = OrderFactory(product=demo_product, paid=True)
    mine = ProductFactory(store=user.store)
    demo_purchase = OrderFactory(product=mine, buyer=User.objects.get(email=DEMO_LOGIN), paid=True)
    old_orders = set(Order.objects.values_list("pk", flat=True))

    output = seed("--stores", "2", "--products", "4", "--reset")

    assert "Deleted the demo accounts" in output
    assert not old_orders & set(Order.objects.values_list("pk", flat=True))
    assert not Order.objects.filter(pk__in=[sale_to_a_stranger.pk, demo_purchase.pk]).exists()
    assert Order.objects.filter(buyer__email=DEMO_BUYER).count() == 3
    assert User.objects.filter(pk=sale_to_a_stranger.buyer_id).exists()
    assert Product.objects.filter(pk=mine.pk).exists()
    assert Product.objects.filter(store__owner__email__endswith="@demo.yumroad.test").count() == 4


def test_seed_demo_reset_keeps_the_shared_files_it_uses_again(
    django_capture_on_commit_callbacks, private_storage
):
    seed("--stores", "2", "--products", "4")
    files = set(Product.objects.values_list("file", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        seed("--stores", "2", "--products", "4", "--reset")

    assert set(Product.objects.values_list("file", flat=True)) == files
    assert all(private_storage.exists(name) for name in files)


def test_seed_demo_stores_are_featured_with_their_product_counts():
    seed("--stores", "2", "--products", "2")
    seed("--stores", "2", "--products", "5")

    assert [store.product_count for store in Store.objects.featured()] == [3, 2]


def test_seed_demo_bumps_the_catalog_version():
    seed("--stores", "1", "--products", "0")
    before = CatalogVersion.current()

    seed("--stores", "1", "--products", "2")

    assert CatalogVersion.current() != before


def test_seed_demo_gives_every_store_it_sold_for_a_new_sales_version():
    # More stores than the demo buyer's orders: the last store's sales are
    # all written in bulk, which sends no post_save.
    seed("--stores", str(BUYER_ORDERS + 1), "--products", str(2 * (BUYER_ORDERS + 1)))

    sold_for = Store.objects.filter(orders__isnull=False).distinct()
    assert sold_for.count() == BUYER_ORDERS + 1
    for store in sold_for:
        assert SalesVersion.current(store.pk) is not None, store


# Demo sales


def demo_sales():
    """The demo creator's sales to the demo customers (not the demo buyer's)."""
    return Order.objects.filter(store__owner__email=DEMO_LOGIN).exclude(buyer__email=DEMO_BUYER)


def test_demo_creator_has_months_of_sales_from_several_customers():
    seed("--stores", "2", "--products", "8")
    now = timezone.now()

    orders = demo_sales()
    sales = orders.sales()

    assert 200 <= orders.count() <= 600
    assert sales.filter(paid_at__gte=now - timedelta(days=30)).count() >= 60
    assert sales.filter(paid_at__lt=now - timedelta(days=60)).exists()
    assert not sales.filter(paid_at__gt=now).exists()
    assert not sales.filter(paid_at__lt=now - timedelta(days=91)).exists()
    assert len(set(sales.values_list("buyer", flat=True))) >= 20
    assert len({paid_at.date() for paid_at in sales.values_list("paid_at", flat=True)}) >= 80
    for order in sales:
        assert order.email == order.buyer.email
        assert order.product_name == order.product.name
        assert order.created_at <= order.paid_at


def test_demo_sales_are_mostly_paid_some_refunded_a_few_never_paid():
    seed("--stores", "2", "--products", "8")

    orders = demo_sales()
    refunded = orders.filter(status=Order.Status.REFUNDED)
    unpaid = orders.filter(status__in=[Order.Status.FAILED, Order.Status.EXPIRED])

    assert orders.filter(status=Order.Status.PAID).count() > 0.8 * orders.count()
    assert refunded.exists()
    assert all(order.paid_at < order.refunded_at <= timezone.now() for order in refunded)
    assert all(order.amount_cents > 0 for order in refunded)
    assert unpaid.exists()
    assert not unpaid.filter(paid_at__isnull=False).exists()
    assert not orders.exclude(status__in=[*Order.SOLD, *Order.UNPAID]).exists()


def test_a_customer_buys_each_product_once():
    seed("--stores", "2", "--products", "8")

    pairs = list(demo_sales().sales().values_list("buyer", "product"))

    assert len(pairs) == len(set(pairs))


def test_demo_sales_send_no_email_now_or_later(mailoutbox):
    seed("--stores", "2", "--products", "8")

    orders = Order.objects.filter(status__in=Order.SOLD)
    refunded = orders.filter(status=Order.Status.REFUNDED).first()
    paid = orders.filter(status=Order.Status.PAID)

    # The demo buyer's orders too: their emails count as sent.
    assert paid.filter(buyer__email=DEMO_BUYER).count() == 3
    for order in [*paid.filter(buyer__email=DEMO_BUYER), paid.last(), refunded]:
        assert send_receipt.call(order.pk) is False
        assert send_sale_notice.call(order.pk) is False
    assert send_refund_notice.call(refunded.pk) is False
    assert not orders.filter(receipt_sent_at__isnull=True).exists()
    assert not orders.filter(sale_notice_sent_at__isnull=True).exists()
    assert mailoutbox == []


def test_the_other_demo_stores_sell_a_little():
    seed("--stores", "3", "--products", "12")

    counts = [store.orders.count() for store in Store.objects.order_by("pk")]

    assert counts[0] > 5 * max(counts[1:])
    assert min(counts[1:]) > 0


def test_demo_customers_cannot_log_in():
    seed("--stores", "1", "--products", "2")

    customers = User.objects.filter(orders__isnull=False).exclude(email=DEMO_BUYER).distinct()

    assert customers.count() > 10
    assert not any(customer.has_usable_password() for customer in customers)


def test_launch_code_uses_match_the_orders_that_hold_one():
    seed("--stores", "2", "--products", "8")
    code = DiscountCode.objects.get(store__owner__email=DEMO_LOGIN)
    # Paid and refunded orders keep their use; unpaid ones gave it back.
    holding = code.orders.exclude(status__in=Order.UNPAID)

    assert code.code == "LAUNCH20"
    assert code.percent_off == 20
    assert code.is_active
    assert code.uses == holding.count() >= 10
    assert DiscountCode.objects.count() == 1


def test_orders_with_the_launch_code_pay_20_percent_less_than_the_price():
    seed("--stores", "2", "--products", "8")
    code = DiscountCode.objects.get(store__owner__email=DEMO_LOGIN)

    with_code = list(code.orders.select_related("product"))
    without = demo_sales().filter(discount_code=None, product__pay_what_you_want=False)

    for order in with_code:
        assert order.amount_before_discount_cents == order.product.price_cents > 0
        assert order.amount_cents == order.amount_before_discount_cents * 80 // 100
        assert not order.product.pay_what_you_want
    assert not without.filter(amount_before_discount_cents__isnull=False).exists()
    assert all(order.amount_cents == order.product.price_cents for order in without)
    assert without.count() > 2 * len(with_code)


def test_pay_what_you_want_buyers_pay_various_amounts_from_the_minimum():
    seed("--stores", "2", "--products", "8")
    product = Product.objects.get(store__owner__email=DEMO_LOGIN, pay_what_you_want=True)

    amounts = list(product.orders.values_list("amount_cents", flat=True))

    assert product.price_cents > 0
    assert product.price == f"${product.price_cents // 100}+"
    assert min(amounts) >= product.price_cents
    assert max(amounts) > product.price_cents
    assert len(set(amounts)) >= 4


def test_demo_creators_dashboard_shows_lively_sales(client):
    seed("--stores", "2", "--products", "8")
    client.login(email=DEMO_LOGIN, password=DEMO_PASSWORD)

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals["sales"] > totals["recent_sales"] > 0
    assert totals["refunds"] > 0
    assert totals["net_cents"] == totals["gross_cents"] - totals["refunded_cents"] > 0
    assert sum(day["sales"] > 0 for day in response.context["days"]) >= 25
    assert len(response.context["recent_sales"]) == 20
    assert sum(product.sales > 0 for product in response.context["products"]) >= 3


def test_seed_demo_if_empty_adds_no_sales_the_second_time():
    seed("--if-empty")
    orders = set(Order.objects.values_list("pk", flat=True))
    uses = DiscountCode.objects.get().uses

    output = seed("--if-empty")

    assert "already has users" in output
    assert len(orders) > 300
    assert set(Order.objects.values_list("pk", flat=True)) == orders
    assert DiscountCode.objects.get().uses == uses


def test_seed_demo_reset_replaces_the_demo_sales_and_code():
    seed("--stores", "2", "--products", "8")
    old_orders = set(Order.objects.values_list("pk", flat=True))
    old_code = DiscountCode.objects.get()

    seed("--stores", "2", "--products", "8", "--reset")

    code = DiscountCode.objects.get()
    assert code.pk != old_code.pk
    assert code.uses == code.orders.exclude(status__in=Order.UNPAID).count() > 0
    assert not old_orders & set(Order.objects.values_list("pk", flat=True))
    assert demo_sales().count() > 200
