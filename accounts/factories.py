import factory

from .models import User

# Long and unusual enough for Django's password validators.
DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"creator{n}@example.com")
    password = DEFAULT_PASSWORD

    class Meta:
        model = User

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the manager, so the password is validated and hashed.
        return model_class._default_manager.create_user(*args, **kwargs)


class SignupDataFactory(factory.DictFactory):
    """A valid POST for the signup form; override a field to break it."""

    email = "new@example.com"
    password1 = DEFAULT_PASSWORD
    password2 = DEFAULT_PASSWORD
    store_name = "New Things"
