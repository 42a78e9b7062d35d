import io
import math
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
from products.pictures import make_sizes

DEMO_DOMAIN = "demo.yumroad.test"
DEMO_PASSWORD = "tasty-pastries-42"
DEMO_LOGIN = f"demo1@{DEMO_DOMAIN}"
DEMO_BUYER = f"buyer@{DEMO_DOMAIN}"
BUYER_ORDERS = 3
BATCH = 500

STORE_NAMES = ["Pixel Kitchen", "Night Owl Beats", "Paper & Ink", "Trail Notes", "Studio Fern"]
# Shown in the store header and on the creator cards; stores past the fifth
# reuse them, as they reuse the names.
STORE_BIOS = [
    "Pixel-perfect icons and recipes from a tiny kitchen-table studio. "
    "Everything is made by hand and tested on real projects.",
    "Lo-fi beats and sample packs recorded after midnight. Pay what you want, loop them forever.",
    "Type designs and printable guides for people who still love paper.",
    "Field guides, maps and presets from two hikers who never stop taking photos.",
    "A small design studio sharing the fonts, icons and presets we use every day.",
]
ADJECTIVES = ["Cozy", "Midnight", "Bright", "Tiny", "Wild", "Golden", "Quiet", "Bold"]
THINGS = ["Icon Pack", "Recipe Book", "Beat Tape", "Font Family", "Photo Presets", "Field Guide"]
PRICES_CENTS = [0, 300, 500, 900, 1200, 1900, 2900, 4900]
# Demo covers: background, accent and text colours, picked per product name
# so that neighbours in the catalog differ.
PALETTES = [
    ("#1d3557", "#e9c46a", "#f1faee"),
    ("#6d2e46", "#f4a261", "#fdf0d5"),
    ("#264653", "#2a9d8f", "#f1faee"),
    ("#f4efe6", "#d62828", "#1b1b1b"),
    ("#3a0ca3", "#f72585", "#ffffff"),
    ("#fefae0", "#606c38", "#283618"),
    ("#0b132b", "#5bc0be", "#ffffff"),
    ("#ffd166", "#ef476f", "#1b1b1b"),
    ("#2d6a4f", "#b7e4c7", "#ffffff"),
    ("#e0fbfc", "#ee6c4d", "#293241"),
]
COVER_SIZE = (800, 600)
COVER_MARGIN = 56
# The title's area at the bottom of a cover; the kind and its motif are above.
TITLE_TOP = 330
TITLE_SIZES = [84, 72, 60]
AVATAR_SIZE = 256
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

        # Storage is not transactional: a rolled-back run leaves only the
        # shared files, covers and avatars behind, used again next time.
        files = self._files()
        with transaction.atomic():
            if reset:
                self._reset()
            demo_stores = [self._store(number) for number in range(1, stores + 1)]
            added = self._products(demo_stores, products, files)
            ordered = self._buyer_orders(demo_stores)
            sales = self._sales(demo_stores)
            # Product.objects.bulk_create sends no post_save: tell cached
            # pages and the stores' counts ourselves.
            CatalogVersion.bump()
            Store.objects.filter(
                pk__in=[store.pk for store in demo_stores]
            ).recount_listed_products()

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
        base_name = STORE_NAMES[(number - 1) % len(STORE_NAMES)]
        name = base_name if number <= len(STORE_NAMES) else f"{base_name} {number}"
        profile = {
            "bio": STORE_BIOS[(number - 1) % len(STORE_BIOS)],
            "avatar": self._avatar(base_name, (number - 1) % len(STORE_NAMES)),
        }
        store, created = Store.objects.get_or_create(
            owner=owner, defaults={"name": name, **profile}
        )
        # Demo stores made before stores had a profile get one now.
        missing = [field for field in profile if not getattr(store, field)]
        if not created and missing:
            for field in missing:
                setattr(store, field, profile[field])
            store.save(update_fields=missing)
        return store

    def _products(self, stores, total, files):
        """Top each store up to its share of `total`; return how many were added."""
        names = [f"{adjective} {thing}" for adjective, thing in combinations(ADJECTIVES, THINGS)]
        missing = []
        covers = {}
        for index, store in enumerate(stores):
            share = total // len(stores) + (index < total % len(stores))
            for number in range(store.products.count(), share):
                serial = number * len(stores) + index
                name = names[serial % len(names)]
                if serial >= len(names):
                    name = f"{name} Vol. {serial // len(names) + 1}"
                # names cycle through THINGS in order: this is the product's kind.
                kind = serial % len(THINGS)
                # One cover per name, whatever the volume: at most len(names).
                if serial % len(names) not in covers:
                    covers[serial % len(names)] = self._cover(serial % len(names))
                missing.append(
                    Product(
                        store=store,
                        name=name,
                        description=f"{name} from {store.name}.\nInstant download, yours to keep.",
                        price_cents=PRICES_CENTS[serial % len(PRICES_CENTS)],
                        pay_what_you_want=THINGS[kind] == PAY_WHAT_YOU_WANT_KIND,
                        picture=covers[serial % len(names)],
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

    def _cover(self, name_index):
        """The shared cover of the demo products named `names[name_index]`
        (whatever their volume), drawn the first time a product needs it."""
        adjective, kind = divmod(name_index, len(THINGS))
        title = f"{ADJECTIVES[adjective]} {THINGS[kind]}"
        # Steps prime to the number of palettes: the kinds of one adjective,
        # which follow each other in the catalog, and the adjectives of one
        # kind all get different colours.
        palette = PALETTES[(3 * adjective + 7 * kind) % len(PALETTES)]
        name = self._save_once(
            Product.picture.field.storage,
            f"demo/cover-{slugify(title)}.jpg",
            partial(draw_cover, title, THINGS[kind], palette),
        )
        # bulk_create skips the post_save that makes a picture's sizes.
        make_sizes(Product.picture.field, name)
        return name

    def _avatar(self, name, number):
        palette = PALETTES[(4 * number + 1) % len(PALETTES)]
        avatar = self._save_once(
            Store.avatar.field.storage,
            f"demo/avatar-{slugify(name)}.png",
            partial(draw_monogram, name, palette),
        )
        # Also for the demo stores that already have it (a store's save
        # makes the sizes of a new avatar only).
        make_sizes(Store.avatar.field, avatar)
        return avatar


def draw_cover(title, kind, palette):
    """A demo product's cover, as JPEG bytes: its kind and a motif for it at
    the top, its title in large type at the bottom."""
    background, accent, ink = palette
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, background)
    draw = ImageDraw.Draw(image)
    # A strip of the accent colour down the left edge, like a book's spine.
    draw.rectangle([0, 0, 15, height], fill=accent)
    draw.text(
        (COVER_MARGIN, COVER_MARGIN - 16),
        kind.upper(),
        fill=accent,
        font=ImageFont.load_default(28),
    )
    # Seeded by the title: the same cover every time, and two covers of one
    # kind still differ in their details.
    rng = random.Random(title)
    box = (COVER_MARGIN, 100, width - COVER_MARGIN, TITLE_TOP - 30)
    MOTIFS[kind](draw, box, accent, ink, rng)
    font, lines = fit_title(title, width - 2 * COVER_MARGIN, height - COVER_MARGIN - TITLE_TOP)
    line_height = round(font.size * 1.1)
    top = height - COVER_MARGIN - line_height * len(lines)
    for number, line in enumerate(lines):
        # The default font has no bold: a stroke of the same colour thickens it.
        draw.text(
            (COVER_MARGIN, top + number * line_height),
            line,
            fill=ink,
            font=font,
            stroke_width=1,
            stroke_fill=ink,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def fit_title(title, width, height):
    """The largest of TITLE_SIZES whose lines, wrapped to `width`, fit in
    `height` (three lines at most), and those lines."""
    for size in TITLE_SIZES:
        font = ImageFont.load_default(size)
        lines = wrap(title, font, width)
        if len(lines) <= 3 and len(lines) * round(size * 1.1) <= height:
            break
    return font, lines


def wrap(text, font, width):
    lines = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw_glyphs(draw, box, accent, ink, rng):
    left, top, right, bottom = box
    draw.text(
        (right, bottom + 20), "Aa", fill=accent, font=ImageFont.load_default(230), anchor="rs"
    )
    specimen = ImageFont.load_default(30)
    for number, line in enumerate(["ABCDEFGHIJ", "abcdefghij", "0123456789"]):
        draw.text((left, top + 20 + 48 * number), line, fill=ink, font=specimen)


def draw_waveform(draw, box, accent, ink, rng):
    left, top, right, bottom = box
    middle = (top + bottom) / 2
    phase = rng.uniform(0, math.tau)
    bars = (right - left) // 16
    for number in range(bars):
        swing = abs(math.sin(number * 0.35 + phase) * math.cos(number * 0.11 + phase))
        half = 6 + swing * (bottom - top) / 2 * rng.uniform(0.6, 1)
        x = left + number * 16
        # The part already "played" is in the text colour.
        colour = ink if number < bars * 0.4 else accent
        draw.rounded_rectangle([x, middle - half, x + 9, middle + half], radius=4, fill=colour)


def draw_spines(draw, box, accent, ink, rng):
    left, top, right, bottom = box
    x = right
    for number in range(9):
        spine = rng.randint(30, 56)
        book_top = bottom - rng.randint(120, bottom - top)
        colour = accent if number % 2 else ink
        draw.rectangle([x - spine, book_top, x, bottom], fill=colour)
        for band in (book_top + 18, bottom - 24):
            draw.line(
                [x - spine + 6, band, x - 6, band], fill=accent if colour == ink else ink, width=3
            )
        x -= spine + 6
    draw.line([x, bottom + 4, right, bottom + 4], fill=ink, width=5)


def draw_mountains(draw, box, accent, ink, rng):
    left, top, right, bottom = box
    sun = rng.randint(left + 60, right - 60)
    draw.ellipse([sun - 36, top, sun + 36, top + 72], outline=ink, width=5)
    x = left
    while x < right - 80:
        # Overlapping peaks, the last one ending at the margin.
        base = min(rng.randint(160, 260), right - x)
        peak = rng.randint(top + 40, bottom - 60)
        draw.polygon([(x, bottom), (x + base / 2, peak), (x + base, bottom)], fill=accent)
        x += base * 0.6
    # A dashed trail across the foot of the range.
    for dash in range(left, right - 18, 36):
        draw.line([dash, bottom + 12, dash + 18, bottom + 12], fill=ink, width=5)


def draw_sliders(draw, box, accent, ink, rng):
    left, top, right, bottom = box
    start = (left + right) // 2
    # An aperture on the left: a ring and its six blades.
    centre_x, centre_y, radius = left + 100, (top + bottom) // 2, 90
    draw.ellipse(
        [centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius],
        outline=accent,
        width=8,
    )
    for blade in range(6):
        angle = blade * math.tau / 6
        inner = (centre_x + 34 * math.cos(angle), centre_y + 34 * math.sin(angle))
        outer = (
            centre_x + radius * math.cos(angle + 1.2),
            centre_y + radius * math.sin(angle + 1.2),
        )
        draw.line([inner, outer], fill=ink, width=4)
    for number in range(4):
        y = top + 20 + number * (bottom - top - 40) / 3
        knob = start + rng.uniform(0.15, 0.9) * (right - start)
        draw.line([start, y, right, y], fill=ink, width=4)
        draw.line([start, y, knob, y], fill=accent, width=8)
        draw.ellipse([knob - 14, y - 14, knob + 14, y + 14], fill=ink, outline=accent, width=4)


def draw_icons(draw, box, accent, ink, rng):
    left, top, right, bottom = box
    cell = 62
    columns = 6
    start = right - columns * cell
    for row in range((bottom - top) // cell):
        for column in range(columns):
            x, y = start + column * cell + 8, top + row * cell + 8
            size = cell - 16
            colour = accent if (row + column) % 2 else ink
            shape = rng.randrange(4)
            if shape == 0:
                draw.ellipse([x, y, x + size, y + size], fill=colour)
            elif shape == 1:
                draw.rounded_rectangle([x, y, x + size, y + size], radius=10, fill=colour)
            elif shape == 2:
                draw.polygon([(x, y + size), (x + size / 2, y), (x + size, y + size)], fill=colour)
            else:
                draw.regular_polygon((x + size / 2, y + size / 2, size / 2), 5, fill=colour)


# Each kind of demo product's motif, drawn in a box above the title.
MOTIFS = {
    "Icon Pack": draw_icons,
    "Recipe Book": draw_spines,
    "Beat Tape": draw_waveform,
    "Font Family": draw_glyphs,
    "Photo Presets": draw_sliders,
    "Field Guide": draw_mountains,
}


def draw_monogram(name, palette):
    """A demo store's avatar, as PNG bytes: the initials of its name's first
    and last words on a square of colour."""
    background, accent, ink = palette
    words = [word for word in name.split() if word[0].isalnum()]
    initials = (words[0][0] + words[-1][0] if len(words) > 1 else name[:2]).upper()
    image = Image.new("RGB", (AVATAR_SIZE, AVATAR_SIZE), background)
    draw = ImageDraw.Draw(image)
    middle = AVATAR_SIZE / 2
    draw.ellipse([24, 24, AVATAR_SIZE - 24, AVATAR_SIZE - 24], outline=accent, width=8)
    draw.text(
        (middle, middle),
        initials,
        fill=ink,
        font=ImageFont.load_default(96),
        anchor="mm",
        stroke_width=2,
        stroke_fill=ink,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
