"""factory_boy factories shared by the app test packages."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from drafts.models import DraftingBody

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose e-mail address is verified, as allauth requires before a first comment."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.com")
    username = factory.SelfAttribute("email")
    first_name = "Lan"
    last_name = "Nguyễn Thị"
    password = factory.django.Password(DEFAULT_PASSWORD)
    email_address = factory.RelatedFactory(
        "tests.factories.EmailAddressFactory", factory_related_name="user"
    )


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory, email_address=None)
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Drafters {n}")


class DraftingBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftingBody

    name = factory.Sequence(lambda n: f"Sở Ban ngành số {n}")
    short_name = factory.Sequence(lambda n: f"SBN{n}")
    slug = factory.Sequence(lambda n: f"so-ban-nganh-{n}")
    drafters = factory.SubFactory(GroupFactory)
