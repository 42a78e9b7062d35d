import io
import random
import zipfile
from datetime import timedelta
from functools import partial
from itertools import product as combinations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from orders.models import DiscountCode, Order
from products.models import CatalogVersion, Product, Store

DEMO_DOMAIN = "demo.yumroad.test"
DEMO_PASSWORD = "tasty-pastries-42"
DEMO_LOGIN = f"demo1@{DEMO_DOMAIN}"
DEMO_BUYER = f"buyer@{DEMO_DOMAIN}"
BUYER_ORDERS = 3
PICTURES = 12
BATCH = 500

STORE_NAMES = ["Pixel Kitchen", "Night Owl Beats", "Paper & Ink", "Trail Notes", "Studio Fern"]
ADJECTIVES = ["Cozy", "Midnight", "Bright", "Tiny", "Wild", "Golden", "Quiet", "Bold"]
THINGS = ["Icon Pack", "Recipe Book", "Beat Tape", "Font Family", "Photo Presets", "Field Guide"]
PRICES_CENTS = [0, 300, 500, 900, 1200, 1900, 2900, 4900]
COLOURS = ["#0d6efd", "#6610f2", "#d63384", "#dc3545", "#fd7e14", "#198754", "#20c997", "#0dcaf0"]
# What each kind of demo product's zip holds besides its README: one small sample.
SAMPLES = {
    "Icon Pack": (
        "icons/star.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
        '<path d="M12 2l3 7h7l-5.5 4.5 2 7.5-6.5-4.5-6.5 4.5 2-7.5L2 9h7z"/></svg>\n',
    ),
    "Recipe Book": (
        "recipes.txt",
        "Tasty pastries\n\n1. Rub 200 g flour into 100 g cold butter.\n"
        "2. Add a pinch of salt and 3 tablespoons of water.\n3. Rest, roll, bake at 200 °C.\n",
    ),
    "Beat Tape": (
        "tracklist.txt",
        "1. Warm Up (2:31)\n2. Night Bus (3:04)\n3. Last Light (2:47)\n",
    ),
    "Font Family": ("specimen.txt", "The quick brown fox jumps over the lazy dog.\n0123456789\n"),
    "Photo Presets": ("presets.txt", "Golden hour: +0.3 exposure, +10 warmth, -5 highlights.\n"),
    "Field Guide": ("trails.txt", "Ridge loop, 8 km: start early, water at the second hut.\n"),
}
# Fixed entry dates, so the same demo file is byte for byte the same every time.
ZIP_DATE = (2025, 1, 1, 0, 0, 0)

# Products of this kind are pay what you want: their price is the minimum.
PAY_WHAT_YOU_WANT_KIND = "Beat Tape"

# Demo sales: the demo customers' orders of the last SALES_DAYS days.
# Customers never log in (their passwords are unusable): they only buy.
CUSTOMER_FIRST_NAMES = ["ada", "ben", "chloe", "dev", "emma", "felix", "grace", "hugo"]
CUSTOMER_FIRST_NAMES += ["iris", "jonas", "kai", "lena", "mia", "noah", "omar", "priya"]
CUSTOMER_LAST_NAMES = ["baker", "costa", "diaz", "ito", "khan", "moreau", "novak", "olsen"]
CUSTOMER_LAST_NAMES += ["park", "quinn", "rossi", "silva"]
SALES_DAYS = 90
# Orders a day at the demo creator's store, growing from the first number to
# the second over the period; the other demo stores get a tenth of that.
ORDERS_A_DAY = (2, 6)
OTHER_STORES_SHARE = 0.1
# Of the orders: failed or expired (never paid), and of the paid ones refunded.
UNPAID_SHARE = 0.05
REFUNDED_SHARE = 0.06
# The demo creator's code, and the share of fixed-price orders that use it.
LAUNCH_CODE = "LAUNCH20"
LAUNCH_CODE_PERCENT_OFF = 20
LAUNCH_CODE_SHARE = 0.2
# What pay-what-you-want buyers add to the minimum, in cents.
TIPS_CENTS = [0, 0, 0, 100, 200, 300, 500, 800, 1000, 1500, 2500]
CUSTOMER_EMAILS = [
    f"{first}.{last}@{DEMO_DOMAIN}"
    for first, last in combinations(CUSTOMER_FIRST_NAMES, CUSTOMER_LAST_NAMES)
]


def demo_sale(rng, product, buyer, when, now, code=None):
    """An unsaved order of `product` by `buyer`, as the demo data (and
    `make bench`) has them: paid at `when`, now and then refunded since or
    never paid; pay-what-you-want buyers add a tip, and some buyers of a
    fixed-price product use `code`. Its emails count as sent then, so none
    goes out now."""
    fields = {}
    amount = product.price_cents
    if product.pay_what_you_want:
        amount += rng.choice(TIPS_CENTS)
    elif amount and code is not None and rng.random() < LAUNCH_CODE_SHARE:
        fields.update(discount_code=code, amount_before_discount_cents=amount)
        amount = code.apply_to(amount)
    roll = rng.random()
    if amount and roll < UNPAID_SHARE:
        fields.update(
            status=rng.choice([Order.Status.FAILED, Order.Status.EXPIRED]), created_at=when
        )
    else:
        fields.update(
            status=Order.Status.PAID,
            created_at=when - timedelta(seconds=rng.uniform(20, 300)),
            paid_at=when,
            receipt_sent_at=when,
            sale_notice_sent_at=when,
        )
        if amount and roll < UNPAID_SHARE + REFUNDED_SHARE:
            refunded_at = min(now, when + timedelta(hours=rng.uniform(1, 120)))
            fields.update(
                status=Order.Status.REFUNDED,
                refunded_at=refunded_at,
                refund_notice_sent_at=refunded_at,
            )
    return Order(
        buyer=buyer,
        email=buyer.email,
        product=product,
        store_id=product.store_id,
        product_name=product.name,
        amount_cents=amount,
        provider=Order.Provider.TEST if amount else Order.Provider.FREE,
        **fields,
    )


class Command(BaseCommand):
    help = (
        "Create demo creators, stores and products with generated pictures and files, "
        "a demo buyer with a few paid orders, and a few months of sales by demo customers. "
        "Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stores", type=int, default=5, help="number of demo stores")
        parser.add_argument(
            "--products", type=int, default=40, help="demo products in all, spread over the stores"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo accounts and their orders first"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database has any user"
        )
        parser.add_argument(
            "--force", action="store_true", help="run even though DJANGO_DEBUG is false"
        )

    def handle(self, *, stores, products, reset, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to add demo data with DJANGO_DEBUG=false; pass --force if you mean it."
            )
        if stores < 1 or products < 0:
            raise CommandError("--stores must be at least 1 and --products at least 0.")
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users; no demo data added.")
            self._print_logins()
            return

        # Storage is not transactional: the shared pictures and files are
        # written first, and a rolled-back run leaves only them behind.
        pictures = self._pictures()
        files = self._files()
        with transaction.atomic():
            if reset:
                self._reset()
            demo_stores = [self._store(number) for number in range(1, stores + 1)]
            added = self._products(demo_stores, products, pictures, files)
            ordered = self._buyer_orders(demo_stores)
            sales = self._sales(demo_stores)
            # bulk_create sends no post_save: tell cached pages ourselves.
            CatalogVersion.bump()

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {stores} stores, {added} products added "
                f"({Product.objects.filter(store__in=demo_stores).count()} in the demo stores), "
                f"{ordered} orders added for the demo buyer, {sales} demo sales added."
            )
        )
        self._print_logins()

    def _print_logins(self):
        logins = {DEMO_LOGIN: "Demo login", DEMO_BUYER: "Demo buyer"}
        existing = set(User.objects.filter(email__in=logins).values_list("email", flat=True))
        for email, label in logins.items():
            if email in existing:
                self.stdout.write(f"{label}: {email} / {DEMO_PASSWORD}")

    def _reset(self):
        demo_users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        # Orders protect their buyer, product and store: the demo accounts'
        # purchases and sales go first.
        orders, _ = Order.objects.filter(
            Q(buyer__in=demo_users) | Q(store__owner__in=demo_users)
        ).delete()
        deleted, _ = demo_users.delete()
        self.stdout.write(f"Deleted the demo accounts ({orders + deleted} rows).")

    def _user(self, email):
        return User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD
        )

    def _store(self, number):
        owner = self._user(f"demo{number}@{DEMO_DOMAIN}")
        name = STORE_NAMES[(number - 1) % len(STORE_NAMES)]
        if number > len(STORE_NAMES):
            name = f"{name} {number}"
        store, _ = Store.objects.get_or_create(owner=owner, defaults={"name": name})
        return store

    def _products(self, stores, total, pictures, files):
        """Top each store up to its share of `total`; return how many were added."""
        names = [f"{adjective} {thing}" for adjective, thing in combinations(ADJECTIVES, THINGS)]
        missing = []
        for index, store in enumerate(stores):
            share = total // len(stores) + (index < total % len(stores))
            for number in range(store.products.count(), share):
                serial = number * len(stores) + index
                name = names[serial % len(names)]
                if serial >= len(names):
                    name = f"{name} Vol. {serial // len(names) + 1}"
                # names cycle through THINGS in order: this is the product's kind.
                kind = serial % len(THINGS)
                missing.append(
                    Product(
                        store=store,
                        name=name,
                        description=f"{name} from {store.name}.\nInstant download, yours to keep.",
                        price_cents=PRICES_CENTS[serial % len(PRICES_CENTS)],
                        pay_what_you_want=THINGS[kind] == PAY_WHAT_YOU_WANT_KIND,
                        picture=pictures[serial % len(pictures)],
                        file=files[kind],
                        file_name=self._download_name(name),
                    )
                )
        for start in range(0, len(missing), BATCH):
            Product.objects.bulk_create(missing[start : start + BATCH])
            if len(missing) > BATCH:
                self.stdout.write(f"  {min(start + BATCH, len(missing))}/{len(missing)} products")
        return len(missing)

    @staticmethod
    def _download_name(product_name):
        return f"{slugify(product_name) or 'download'}.zip"

    def _buyer_orders(self, stores):
        """Top the demo buyer up to BUYER_ORDERS purchases, each of a
        different product, from different stores where there are enough.

        The orders are made paid directly, as if the test provider had said
        so, without `mark_paid`, and their emails marked sent: no receipts go
        out for demo data.
        """
        buyer = self._user(DEMO_BUYER)
        owned = set(
            Order.objects.for_buyer(buyer).for_library().values_list("product_id", flat=True)
        )
        wanted = BUYER_ORDERS - len(owned)
        if wanted <= 0:
            return 0
        now = timezone.now()
        products = self._products_to_buy(stores, wanted, owned)
        for number, product in enumerate(products):
            when = now - timedelta(days=2 * (wanted - number), hours=number)
            Order.objects.create_for(
                buyer,
                product,
                Order.Provider.FREE if product.is_free else Order.Provider.TEST,
                status=Order.Status.PAID,
                created_at=when,
                paid_at=when,
                receipt_sent_at=when,
                sale_notice_sent_at=when,
            )
        return len(products)

    def _products_to_buy(self, stores, count, owned):
        """Up to `count` buyable demo products, one per store first, priced
        ones before free ones."""
        buyable = (
            Product.objects.listed()
            .exclude(file="")
            .exclude(pk__in=owned)
            .order_by(Case(When(price_cents=0, then=1), default=0), "pk")
        )
        chosen = []
        for store in stores:
            if len(chosen) == count:
                return chosen
            first = buyable.filter(store=store).first()
            if first is not None:
                chosen.append(first)
        # Fewer stores with products than orders wanted: more from the same stores.
        more = buyable.filter(store__in=stores).exclude(pk__in=[product.pk for product in chosen])
        return chosen + list(more[: count - len(chosen)])

    def _sales(self, stores):
        """A few months of sales by the demo customers, for each demo store
        that has none yet (the first store gets most, and the launch code);
        return how many orders were added.

        The orders are written as they would be by now: paid ones with their
        emails marked sent (no receipt goes out for demo data), refunded ones
        with their refund notice, a few never paid. None goes through the
        payment flow.
        """
        customers = self._customers()
        done = set(
            Order.objects.filter(store__in=stores, buyer__in=customers)
            .order_by()
            .values_list("store_id", flat=True)
            .distinct()
        )
        sellable = {}
        for product in (
            Product.objects.listed()
            .exclude(file="")
            .filter(store__in=[store for store in stores if store.pk not in done])
            .order_by("pk")
        ):
            sellable.setdefault(product.store_id, []).append(product)
        now = timezone.now()
        orders = []
        for index, store in enumerate(stores):
            if store.pk not in sellable:
                continue
            # Seeded by the store's number: the same sales on every database.
            rng = random.Random(index)
            code = self._launch_code(store, now) if index == 0 else None
            share = 1 if index == 0 else OTHER_STORES_SHARE
            sales = self._store_sales(rng, now, sellable[store.pk], customers, code, share)
            if code is not None:
                # Paid and refunded orders hold a use; unpaid ones gave theirs back.
                held = sum(
                    order.discount_code_id == code.pk and order.status not in Order.UNPAID
                    for order in sales
                )
                DiscountCode.objects.filter(pk=code.pk).update(uses=F("uses") + held)
            orders += sales
        Order.objects.bulk_create(orders, batch_size=BATCH)
        return len(orders)

    def _customers(self):
        """The demo customers, made the first time with unusable passwords."""
        existing = set(
            User.objects.filter(email__in=CUSTOMER_EMAILS).values_list("email", flat=True)
        )
        User.objects.bulk_create(
            User(email=email, password=make_password(None))
            for email in CUSTOMER_EMAILS
            if email not in existing
        )
        return list(User.objects.filter(email__in=CUSTOMER_EMAILS).order_by("pk"))

    def _launch_code(self, store, now):
        code, _ = DiscountCode.objects.get_or_create(
            store=store,
            code=LAUNCH_CODE,
            defaults={
                "percent_off": LAUNCH_CODE_PERCENT_OFF,
                "created_at": now - timedelta(days=SALES_DAYS),
            },
        )
        return code

    def _store_sales(self, rng, now, products, customers, code, share):
        """Unsaved orders of `products`, oldest first, a day's number growing
        over the period, fewer at weekends. A customer buys a product once."""
        # Some products sell far better than others; free ones are downloads.
        weights = [
            (0.3 if product.is_free else 1) * rng.choice([0.5, 1, 2, 4]) for product in products
        ]
        owned = set()
        orders = []
        first, last = ORDERS_A_DAY
        for days_ago in range(SALES_DAYS - 1, -1, -1):
            day = (now - timedelta(days=days_ago)).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            growth = (SALES_DAYS - days_ago) / SALES_DAYS
            mean = share * (first + (last - first) * growth)
            if day.weekday() >= 5:
                mean *= 0.7
            count = int(mean * rng.uniform(0.4, 1.6) + rng.random())
            seconds = (min(now, day + timedelta(days=1)) - day).total_seconds()
            for offset in sorted(rng.uniform(0, seconds) for _ in range(count)):
                product = rng.choices(products, weights)[0]
                # Someone who does not own it yet, if a few tries find one.
                for buyer in rng.sample(customers, min(3, len(customers))):
                    if (buyer.pk, product.pk) not in owned:
                        break
                else:
                    continue
                order = demo_sale(rng, product, buyer, day + timedelta(seconds=offset), now, code)
                if order.status in Order.SOLD:
                    owned.add((buyer.pk, product.pk))
                orders.append(order)
        return orders

    def _files(self):
        """Names of the generated files sold, one per kind of product, made
        once in the products' private storage and shared by products."""
        storage = Product.file.field.storage
        return [
            self._save_once(storage, f"demo/{slugify(thing)}.zip", partial(self._zip, thing))
            for thing in THINGS
        ]

    @staticmethod
    def _save_once(storage, name, content):
        """`name` in `storage`, saved from `content()` only if it is not there yet."""
        if storage.exists(name):
            return name
        return storage.save(name, ContentFile(content()))

    def _zip(self, thing):
        sample_name, sample = SAMPLES[thing]
        readme = (
            f"{thing}, a Yumroad demo product.\n\n"
            "Made by `manage.py seed_demo`: a stand-in for what a creator sells.\n"
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in [("README.txt", readme), (sample_name, sample)]:
                entry = zipfile.ZipInfo(name, ZIP_DATE)
                entry.external_attr = 0o644 << 16  # rw-r--r-- once unpacked
                archive.writestr(entry, text, compress_type=zipfile.ZIP_DEFLATED)
        return buffer.getvalue()

    def _pictures(self):
        """Names of the generated pictures, drawn once and shared by products."""
        storage = Product.picture.field.storage
        return [
            self._save_once(storage, f"demo/picture-{number}.png", partial(self._draw, number))
            for number in range(PICTURES)
        ]

    def _draw(self, number):
        image = Image.new("RGB", (400, 300), COLOURS[number % len(COLOURS)])
        draw = ImageDraw.Draw(image)
        for ring in range(1, 5):
            radius = 30 * ring + 10 * (number % 3)
            draw.ellipse(
                [280 - radius, 60 - radius, 280 + radius, 60 + radius], outline="white", width=3
            )
        draw.text(
            (30, 220), f"Yumroad #{number + 1}", fill="white", font=ImageFont.load_default(32)
        )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
