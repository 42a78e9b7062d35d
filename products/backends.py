from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

User = get_user_model()


class UserWithStoreBackend(ModelBackend):
    """Django's model backend, loading a logged-in user with their store.

    Every page a logged-in user sees links to their store (the navbar, the
    footer): one query a request for both instead of two. A user without a
    store (createsuperuser, the admin) comes back knowing they have none.
    """

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("store").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
