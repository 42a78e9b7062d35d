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
