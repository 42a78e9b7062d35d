import re
import secrets
import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import FileExtensionValidator, MinLengthValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .pictures import PRODUCT_PICTURE_SIZES, STORE_AVATAR_SIZES, delete_sizes, make_sizes

NAME_MIN_LENGTH = 4
NAME_MAX_LENGTH = 60
SLUG_MAX_LENGTH = 80
PICTURE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]


# The least a card payment can be (Stripe's minimum in US dollars): a price
# or an amount paid is 0 or at least this.
MINIMUM_CHARGE_CENTS = 50


def format_cents(cents):
    """An amount of cents as people read it: "$1,234.50"."""
    dollars, cents = divmod(cents, 100)
    return f"${dollars:,}.{cents:02d}"


class StoreQuerySet(models.QuerySet):
    def with_product_count(self):
        """`product_count`: the store's listed products (archived ones are gone)."""
        return self.annotate(
            product_count=Count("products", filter=Q(products__archived_at__isnull=True))
        )

    def with_listed_products(self):
        """Stores with a product on sale: the others have nothing to show
        visitors. A subquery, not the count, so the model's ordering stays."""
        return self.filter(Exists(Product.objects.listed().filter(store=OuterRef("pk"))))

    def featured(self):
        """The stores with the most products, for the landing page, by their
        kept count (`listed_product_count`): counting every product here
        made the page slower as the catalog grew. As `product_count`, as
        with_product_count() names it for the cards."""
        return (
            self.filter(listed_product_count__gt=0)
            .order_by("-listed_product_count", "name")
            .annotate(product_count=F("listed_product_count"))
        )

    def recount_listed_products(self):
        """Set these stores' `listed_product_count` from their products, for
        writes that send no signal (bulk_create, as seed_demo's)."""
        listed = Product.objects.listed().filter(store=OuterRef("pk")).order_by()
        count = listed.values("store").annotate(count=Count("pk")).values("count")
        return self.update(listed_product_count=Coalesce(Subquery(count), 0))

    def with_newest_products(self, count=3):
        """Each store's `count` newest products as `newest_products`, in one query."""
        newest = Product.objects.listed().order_by("-created_at", "-pk")[:count]
        return self.prefetch_related(
            Prefetch("products", queryset=newest, to_attr="newest_products")
        )


# Tries at a store's first save: the free slug, then random suffixes.
SLUG_ATTEMPTS = 3


class StoredFilesMixin:
    """For a model whose `file_fields` keep files in storage: the stored
    names as loaded, so a save that replaces or clears one can delete it
    (see `delete_replaced_files`), whatever form saved it."""

    file_fields = []

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_files = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if name in cls.file_fields
        }
        return instance


class Store(StoredFilesMixin, models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store"
    )
    name = models.CharField(
        max_length=NAME_MAX_LENGTH, validators=[MinLengthValidator(NAME_MIN_LENGTH)]
    )
    # Set once from the first name and never changed, so links keep working
    # after a rename. Unicode, so "Магазин" and "東京ストア" read as themselves.
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH, unique=True, editable=False, allow_unicode=True
    )
    bio = models.TextField(blank=True)
    # Checked and re-encoded as product pictures are (products.forms.PictureField).
    avatar = models.ImageField(
        upload_to="stores/%Y/%m/",
        max_length=255,
        blank=True,
        validators=[FileExtensionValidator(PICTURE_EXTENSIONS)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Its products on sale, kept as they are added, archived or deleted
    # (count_new_product), for the featured stores.
    listed_product_count = models.PositiveIntegerField(default=0, editable=False)

    objects = StoreQuerySet.as_manager()
    # Files that leave storage with the store, or when replaced.
    file_fields = ["avatar"]
    # The sizes pages show pictures in (products.pictures).
    picture_sizes = {"avatar": STORE_AVATAR_SIZES}

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["-listed_product_count", "name"], name="store_featured_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.slug:
            super().save(*args, **kwargs)
            return
        self.slug = self._free_slug()
        # Two signups with one name can both find the same slug free; the
        # unique index refuses the later insert, which then tries a random
        # suffix. In a savepoint, so the signup's transaction carries on.
        for attempt in range(SLUG_ATTEMPTS):
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                taken = Store.objects.filter(slug=self.slug).exists()
                if not taken or attempt == SLUG_ATTEMPTS - 1:
                    raise  # not about the slug (or astronomically unlucky)
                self.slug = f"{self._slug_base()}-{secrets.token_hex(3)}"

    def get_absolute_url(self):
        return reverse("products:store_detail", kwargs={"slug": self.slug})

    def _slug_base(self):
        """The name as a slug: "Café Noir" → "cafe-noir", "Магазин" → "магазин".

        Latin names only lose their accents, as before Unicode slugs; other
        scripts keep their letters. A name with none ("🍰🍰🍰🍰") gives "store".
        """
        slug = slugify(self.name, allow_unicode=True)
        unaccented = "".join(
            char for char in unicodedata.normalize("NFKD", slug) if not unicodedata.combining(char)
        )
        if unaccented.isascii():
            slug = slugify(self.name)
        # Room for a suffix within max_length.
        return slug[:70].rstrip("-_") or "store"

    def _free_slug(self):
        """The base slug, or with the smallest free "-N" suffix.

        One query however many stores share the base: it fetches the slugs
        that could clash ("store", "store-…") and the gap is found here.
        """
        base = self._slug_base()
        taken = set(
            Store.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list(
                "slug", flat=True
            )
        )
        if base not in taken:
            return base
        suffix = 2
        while f"{base}-{suffix}" in taken:
            suffix += 1
        return f"{base}-{suffix}"


class ProductQuerySet(models.QuerySet):
    SORTS = {
        "newest": ["-created_at", "-pk"],
        "price": ["price_cents", "-pk"],
        "-price": ["-price_cents", "-pk"],
    }

    def listed(self):
        """Products still on sale: not archived."""
        return self.filter(archived_at__isnull=True)

    def owned_by(self, user):
        """Products of the user's store; empty for anyone without one."""
        return self.filter(store__owner_id=user.pk)

    def for_listing(self):
        """Listed products, newest first, with the store each card shows, in one query."""
        return self.listed().select_related("store").order_by(*self.SORTS["newest"])

    def search(self, text):
        """Products whose name or description contains `text`, any case."""
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(description__icontains=text))

    def sorted_by(self, sort):
        """Order by one of SORTS' keys; anything else keeps the current order."""
        if sort not in self.SORTS:
            return self
        return self.order_by(*self.SORTS[sort])


def private_storage():
    """The storage of the files creators sell (settings.STORAGES["private"])."""
    return storages["private"]


# An extension kept on a generated name: plain, short, and so safe to serve.
PLAIN_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def generated_name(filename):
    """A fresh name for an upload, keeping only its extension if that is plain.

    The uploader's name may hold any character, be longer in bytes than the
    file system allows (Django cuts names by characters), or repeat someone
    else's; shown names live in the database (`Product.file_name`) instead.
    """
    extension = PurePath(filename).suffix.lower()
    if not PLAIN_EXTENSION.fullmatch(extension):
        extension = ""
    return f"{uuid.uuid4().hex}{extension}"


def product_file_path(product, filename):
    # Spread over 256 folders, so none grows to thousands of files.
    name = generated_name(filename)
    return f"products/{name[:2]}/{name}"


class Product(StoredFilesMixin, models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(
        max_length=NAME_MAX_LENGTH, validators=[MinLengthValidator(NAME_MIN_LENGTH)]
    )
    description = models.TextField(blank=True)
    price_cents = models.PositiveIntegerField("price (cents)", default=0)
    # The price is then the minimum, and buyers may pay more.
    pay_what_you_want = models.BooleanField(default=False)
    picture = models.ImageField(
        upload_to="products/%Y/%m/",
        max_length=255,
        blank=True,
        validators=[FileExtensionValidator(PICTURE_EXTENSIONS)],
    )
    file = models.FileField(
        upload_to=product_file_path, storage=private_storage, max_length=255, blank=True
    )
    # As the creator uploaded it; the download is named after it.
    file_name = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProductQuerySet.as_manager()
    # Files that leave storage with the product, or when replaced.
    file_fields = ["file", "picture"]
    picture_sizes = {"picture": PRODUCT_PICTURE_SIZES}

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The catalog's orders: newest first, by price, and per store.
            models.Index(fields=["-created_at", "-id"], name="product_newest_idx"),
            models.Index(fields=["price_cents", "-id"], name="product_price_idx"),
            models.Index(fields=["store", "-created_at", "-id"], name="product_store_newest_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:detail", kwargs={"pk": self.pk})

    @property
    def is_free(self):
        return self.price_cents == 0 and not self.pay_what_you_want

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def download_name(self):
        return self.file_name or PurePath(self.file.name).name

    @property
    def file_type(self):
        """What buyers get, by the download's extension: "PDF", "ZIP"; "" when
        it has no plain one."""
        extension = PurePath(self.download_name).suffix.lower()
        if not PLAIN_EXTENSION.fullmatch(extension):
            return ""
        return extension.removeprefix(".").upper()

    @property
    def file_size(self):
        """The file's size in bytes (a stat of the private storage), or None
        when there is no file or storage has lost it: the page still shows."""
        if not self.file:
            return None
        try:
            return self.file.size
        except OSError:
            return None

    def archive(self):
        """Take the product off sale for good; True only for the call that did it."""
        # The change and its catalog bump commit together or not at all.
        with transaction.atomic():
            changed = Product.objects.filter(pk=self.pk, archived_at__isnull=True).update(
                archived_at=timezone.now()
            )
            if changed:
                # QuerySet.update sends no post_save: tell cached pages and
                # the store's count ourselves.
                CatalogVersion.bump()
                Store.objects.filter(pk=self.store_id).update(
                    listed_product_count=F("listed_product_count") - 1
                )
        return bool(changed)

    def delete_or_archive(self):
        """Delete the product, or archive it when orders protect it (their
        buyers keep their downloads). True if it was deleted."""
        try:
            with transaction.atomic():
                self.delete()
        except models.ProtectedError:
            self.archive()
            return False
        return True

    @property
    def price(self):
        """The price as a display string: "Free", "$5.00", or "$5+" when
        buyers pay what they want."""
        if self.is_free:
            return "Free"
        if self.pay_what_you_want:
            return f"{format_cents(self.price_cents).removesuffix('.00')}+"
        return format_cents(self.price_cents)


class Version(models.Model):
    """A random token per key (the primary key) that changes with every
    change to what the key covers; caches are keyed by it, so a change shows
    at once, in every server process, whatever the cache backend. Random,
    not a counter, so a rolled-back change can never reuse a key."""

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.token)

    @classmethod
    def current(cls, key):
        """The key's token; None until its first bump."""
        # Read by every cached page: a plain query, as the ORM's compiling
        # of it costs ten times the query itself.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT token FROM {cls._meta.db_table} WHERE {cls._meta.pk.column} = %s", [key]
            )
            row = cursor.fetchone()
        return row[0] if row else None

    @classmethod
    def bump(cls, *keys):
        """New tokens for these keys, in one statement that makes missing rows.

        Call it inside the transaction of the change it announces, so the
        two commit or fail together: a bump that fails on its own, after
        the change committed, shows an error page for a saved change.
        Writes that send no signal (bulk_create, QuerySet.update) call it
        themselves.
        """
        cls.objects.bulk_create(
            [cls(pk=key, token=uuid.uuid4()) for key in set(keys)],
            update_conflicts=True,
            unique_fields=[cls._meta.pk.name],
            update_fields=["token"],
        )


class CatalogVersion(Version):
    """One row (key 1) for every store and product.

    Pages cached for visitors are keyed by it (see
    `products.decorators.cache_for_visitors`), and so are the cached parts
    of everyone's pages.
    """

    KEY = 1

    @classmethod
    def current(cls):
        return super().current(cls.KEY)

    @classmethod
    def bump(cls):
        super().bump(cls.KEY)


@receiver([post_save, post_delete], sender=Store)
@receiver([post_save, post_delete], sender=Product)
def catalog_changed(sender, **kwargs):
    # Runs inside the save or delete, so in its transaction when the caller
    # opened one (the views do, see products.views): wrap a save in
    # transaction.atomic() and the bump can no longer fail after it.
    # Writes that send no signal (bulk_create, QuerySet.update) must call
    # CatalogVersion.bump() themselves, as seed_demo does.
    CatalogVersion.bump()


# A store's `listed_product_count`, kept by relative updates, so that saves
# at once in other processes all count; archive() counts its own.
@receiver(post_save, sender=Product)
def count_new_product(sender, instance, created, raw, **kwargs):
    if created and not raw and instance.archived_at is None:
        Store.objects.filter(pk=instance.store_id).update(
            listed_product_count=F("listed_product_count") + 1
        )


@receiver(pre_delete, sender=Product)
def uncount_deleted_product(sender, instance, **kwargs):
    # Before the delete, in its transaction: whether it is listed is the
    # row's to say, not the instance's, which may predate an archive().
    Store.objects.filter(
        pk=instance.store_id, products__pk=instance.pk, products__archived_at__isnull=True
    ).update(listed_product_count=F("listed_product_count") - 1)


def delete_unused_file(model, field_name, name):
    """Delete a stored file (a product's file or picture, a store's avatar),
    with a picture's sizes, once the change commits, unless another row
    still uses it (seed_demo's products share them)."""
    if not name:
        return
    storage = model._meta.get_field(field_name).storage

    def delete():
        if not model.objects.filter(**{field_name: name}).exists():
            storage.delete(name)
            if field_name in model.picture_sizes:
                delete_sizes(model._meta.get_field(field_name), name)

    transaction.on_commit(delete)


@receiver(post_save, sender=Store)
@receiver(post_save, sender=Product)
def make_new_picture_sizes(sender, instance, update_fields, raw, **kwargs):
    """A new picture or avatar gets its sizes as it is saved, whatever saved
    it; bulk_create's rows skip this (seed_demo makes theirs itself)."""
    # Connected before delete_replaced_files, which then records the new names.
    stored = getattr(instance, "_stored_files", {})
    for field_name in sender.picture_sizes:
        if raw or (update_fields is not None and field_name not in update_fields):
            continue
        name = getattr(instance, field_name).name
        if name and stored.get(field_name) != name:
            make_sizes(sender._meta.get_field(field_name), name)


@receiver(post_save, sender=Store)
@receiver(post_save, sender=Product)
def delete_replaced_files(sender, instance, created, update_fields, raw, **kwargs):
    """A replaced or cleared file, picture or avatar leaves storage after the
    commit, from the site's forms, the admin or anywhere else that saves."""
    stored = getattr(instance, "_stored_files", {})
    for field_name in sender.file_fields:
        if update_fields is not None and field_name not in update_fields:
            continue
        name = getattr(instance, field_name).name or ""
        if not raw and stored.get(field_name) not in (None, name):
            delete_unused_file(sender, field_name, stored[field_name])
        stored[field_name] = name
    instance._stored_files = stored


@receiver(post_delete, sender=Store)
@receiver(post_delete, sender=Product)
def delete_stored_files(sender, instance, **kwargs):
    for field_name in sender.file_fields:
        delete_unused_file(sender, field_name, getattr(instance, field_name).name)
