from django.db import migrations

# On PostgreSQL, the catalog search (ProductQuerySet.search: `icontains` on
# the name or the description, which Django writes `UPPER(…) LIKE UPPER(…)`)
# reads this index instead of every row. SQLite has no such index: there
# the search reads the rows, and this migration does nothing. Going back
# drops the index and keeps the extension, which something else may use
# (Django's TrigramExtension would try to drop it, and fails on SQLite).
CREATE_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX product_search_trgm_idx ON products_product
    USING gin (UPPER(name) gin_trgm_ops, UPPER(description) gin_trgm_ops)""",
]
DROP_INDEX = ["DROP INDEX IF EXISTS product_search_trgm_idx"]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("products", "0006_store_listed_product_count")]

    operations = [
        migrations.RunPython(on_postgresql(CREATE_INDEX), on_postgresql(DROP_INDEX)),
    ]
