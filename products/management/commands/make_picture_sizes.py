from django.core.management.base import BaseCommand

from products.models import Product, Store
from products.pictures import make_sizes


class Command(BaseCommand):
    help = (
        "Make the missing sizes (products.pictures) of every product picture and store "
        "avatar, once per stored picture however many rows share it; --replace makes "
        "them all again (after a change to the sizes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace", action="store_true", help="Make every size again, even those there."
        )

    def handle(self, *, replace, **options):
        for model in [Product, Store]:
            for field_name in model.picture_sizes:
                field = model._meta.get_field(field_name)
                names = (
                    model.objects.exclude(**{field_name: ""})
                    .order_by()
                    .values_list(field_name, flat=True)
                    .distinct()
                )
                done = 0
                for name in names.iterator():
                    try:
                        make_sizes(field, name, replace=replace)
                    except OSError as error:
                        # One lost or unreadable file does not stop the rest.
                        self.stderr.write(f"{name}: {error}")
                        continue
                    done += 1
                self.stdout.write(
                    f"{model.__name__} {field_name}: {done} pictures have their sizes."
                )
