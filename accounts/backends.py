from django.contrib.auth import backends, get_user_model
from django.db import connection

User = get_user_model()


class ModelBackend(backends.ModelBackend):
    """Django's model backend, loading the logged-in user on each request
    with one SQL statement of ours, as their session is (yumroad.sessions)."""

    def get_user(self, user_id):
        quote = connection.ops.quote_name
        users = User._default_manager.raw(
            f"SELECT * FROM {quote(User._meta.db_table)} WHERE {quote(User._meta.pk.column)} = %s",
            [user_id],
        )
        user = next(iter(users), None)
        return user if user is not None and self.user_can_authenticate(user) else None
