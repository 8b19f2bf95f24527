"""Template tags for the portal's shell: main menu, language links, design-system form widgets."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.forms import BoundField
from django.urls import translate_url
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from cms.models import FooterLink, PortalSettings

register = template.Library()


@dataclass(frozen=True, slots=True)
class MenuItem:
    title: str
    href: str
    active: bool
    current: bool


@dataclass(frozen=True, slots=True)
class LanguageLink:
    code: str
    name: str
    href: str
    current: bool


@register.simple_tag(takes_context=True)
def main_menu_items(context: template.Context) -> list[MenuItem]:
    """The home page and its live, public children marked "show in menus"."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    root = site.root_page.specific_deferred
    current: Page | None = context.get("page")
    pages = [root, *root.get_children().live().public().in_menu()]
    items = []
    for menu_page in pages:
        is_current = current is not None and current.pk == menu_page.pk
        is_active = is_current or (
            current is not None
            and menu_page.pk != root.pk
            and current.path.startswith(menu_page.path)
        )
        items.append(
            MenuItem(
                title=_("Home") if menu_page.pk == root.pk else menu_page.title,
                href=menu_page.get_url(request) or "/",
                active=is_active,
                current=is_current,
            )
        )
    return items


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    """The current page in each interface language; links work without JavaScript."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    active = get_language()
    native_names = {"vi": "Tiếng Việt", "en": "English"}
    return [
        LanguageLink(
            code=code,
            name=native_names.get(code, str(name)),
            href=translate_url(path, code),
            current=code == active,
        )
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag
def footer_links(portal: PortalSettings) -> list[FooterLink]:
    """The footer links in order, with their pages, in one query."""
    return list(portal.footer_links.select_related("page").order_by("sort_order"))


WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    """Render a form field's widget with the design system's classes and ARIA descriptions."""
    widget_type = field.widget_type
    css_class = WIDGET_CLASSES.get(widget_type, "govuk-input")
    if field.errors and widget_type not in {"checkbox", "radioselect"}:
        css_class += f" {css_class}--error"
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": css_class}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def error_summary_links(form: object) -> SafeString:
    """List items linking each field error to its field, for the error summary."""
    errors = []
    for field in getattr(form, "visible_fields", list)():
        for error in field.errors:
            errors.append((f"#{field.auto_id}", error))
    return format_html_join("", '<li><a href="{}">{}</a></li>', errors)
