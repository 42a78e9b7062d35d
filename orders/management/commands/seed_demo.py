import io
from itertools import product as combinations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from products.models import CatalogVersion, Product, Store

DEMO_DOMAIN = "demo.yumroad.test"
DEMO_PASSWORD = "tasty-pastries-42"
DEMO_LOGIN = f"demo1@{DEMO_DOMAIN}"
PICTURES = 12
BATCH = 500

STORE_NAMES = ["Pixel Kitchen", "Night Owl Beats", "Paper & Ink", "Trail Notes", "Studio Fern"]
ADJECTIVES = ["Cozy", "Midnight", "Bright", "Tiny", "Wild", "Golden", "Quiet", "Bold"]
THINGS = ["Icon Pack", "Recipe Book", "Beat Tape", "Font Family", "Photo Presets", "Field Guide"]
PRICES_CENTS = [0, 300, 500, 900, 1200, 1900, 2900, 4900]
COLOURS = ["#0d6efd", "#6610f2", "#d63384", "#dc3545", "#fd7e14", "#198754", "#20c997", "#0dcaf0"]


class Command(BaseCommand):
    help = (
        "Create demo creators, stores and products with generated pictures. "
        "Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stores", type=int, default=5, help="number of demo stores")
        parser.add_argument(
            "--products", type=int, default=40, help="demo products in all, spread over the stores"
        )
        parser.add_argument("--reset", action="store_true", help="delete the demo accounts first")
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
            self._print_login()
            return

        pictures = self._pictures()
        with transaction.atomic():
            if reset:
                deleted, _ = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
                self.stdout.write(f"Deleted the demo accounts ({deleted} rows).")
            demo_stores = [self._store(number) for number in range(1, stores + 1)]
            added = self._products(demo_stores, products, pictures)
            # bulk_create sends no post_save: tell cached pages ourselves.
            CatalogVersion.bump()

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {stores} stores, {added} products added "
                f"({Product.objects.filter(store__in=demo_stores).count()} in the demo stores)."
            )
        )
        self._print_login()

    def _print_login(self):
        if User.objects.filter(email=DEMO_LOGIN).exists():
            self.stdout.write(f"Demo login: {DEMO_LOGIN} / {DEMO_PASSWORD}")

    def _store(self, number):
        email = f"demo{number}@{DEMO_DOMAIN}"
        owner = User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD
        )
        name = STORE_NAMES[(number - 1) % len(STORE_NAMES)]
        if number > len(STORE_NAMES):
            name = f"{name} {number}"
        store, _ = Store.objects.get_or_create(owner=owner, defaults={"name": name})
        return store

    def _products(self, stores, total, pictures):
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
                missing.append(
                    Product(
                        store=store,
                        name=name,
                        description=f"{name} from {store.name}.\nInstant download, yours to keep.",
                        price_cents=PRICES_CENTS[serial % len(PRICES_CENTS)],
                        picture=pictures[serial % len(pictures)],
                    )
                )
        for start in range(0, len(missing), BATCH):
            Product.objects.bulk_create(missing[start : start + BATCH])
            if len(missing) > BATCH:
                self.stdout.write(f"  {min(start + BATCH, len(missing))}/{len(missing)} products")
        return len(missing)

    def _pictures(self):
        """Names of the generated pictures, drawn once and shared by products."""
        names = []
        for number in range(PICTURES):
            name = f"demo/picture-{number}.png"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(self._draw(number)))
            names.append(name)
        return names

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
