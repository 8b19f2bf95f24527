"""Template helpers of the open-data downloads: the columns the files hold, described."""

from django import template

from feedback.exports import COLUMNS

register = template.Library()


@register.simple_tag
def open_data_columns() -> list[tuple[str, str]]:
    """(name, description) of each column, in the page's language."""
    return [(column.name, str(column.description)) for column in COLUMNS]
