"""Writes on the portal: page tree set-up, site settings and the editors' role."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from .models import HomePage, PortalSettings

EDITORS_GROUP = "Portal editors"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
]


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def site_home_ensure(*, title: str, hostname: str = "localhost", port: int = 80) -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's placeholder page."""
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
    if home is None:
        home = HomePage(title=title, slug="trang-chu")
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    old_root_id = site.root_page_id
    site.hostname, site.port, site.site_name, site.root_page = hostname, port, title, home
    site.save()
    if old_root_id and old_root_id != home.pk:
        placeholder = Page.objects.filter(pk=old_root_id, depth=2, numchild=0).exclude(pk=home.pk)
        for page in placeholder:
            if type(page.specific) is Page:  # Wagtail's "Welcome" page, never real content
                page.delete()
    return home


def portal_settings_update(*, site: Site, **values: str) -> PortalSettings:
    portal = PortalSettings.for_site(site)
    for name, value in values.items():
        setattr(portal, name, value)
    portal.full_clean()
    portal.save()
    return portal


@transaction.atomic
def portal_editors_group_ensure(*, home: Page) -> Group:
    """Editors publish pages below the home page and manage documents and images."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(_permission("wagtailadmin.access_admin"))
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=home, permission=_permission(f"wagtailcore.{codename}")
        )
    collection = Collection.get_first_root_node()
    for dotted in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(dotted)
        )
    return group
