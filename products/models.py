from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

NAME_MIN_LENGTH = 4
NAME_MAX_LENGTH = 60


class Store(models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store"
    )
    name = models.CharField(
        max_length=NAME_MAX_LENGTH, validators=[MinLengthValidator(NAME_MIN_LENGTH)]
    )
    # Set once from the first name and never changed, so links keep working
    # after a rename.
    slug = models.SlugField(max_length=80, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("products:store_detail", kwargs={"slug": self.slug})

    def _unique_slug(self):
        base = slugify(self.name)[:70] or "store"
        slug, suffix = base, 2
        while Store.objects.filter(slug=slug).exists():
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return slug


class ProductQuerySet(models.QuerySet):
    def owned_by(self, user):
        """Products of the user's store; empty for anyone without one."""
        return self.filter(store__owner_id=user.pk)

    def for_listing(self):
        """Newest first, with the store each card shows, in one query."""
        return self.select_related("store").order_by("-created_at", "-pk")


class Product(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(
        max_length=NAME_MAX_LENGTH, validators=[MinLengthValidator(NAME_MIN_LENGTH)]
    )
    description = models.TextField(blank=True)
    price_cents = models.PositiveIntegerField("price (cents)", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:detail", kwargs={"pk": self.pk})

    @property
    def is_free(self):
        return self.price_cents == 0

    @property
    def price(self):
        """The price as a display string: "Free" or "$5.00"."""
        if self.is_free:
            return "Free"
        dollars, cents = divmod(self.price_cents, 100)
        return f"${dollars:,}.{cents:02d}"
