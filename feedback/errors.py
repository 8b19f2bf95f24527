"""The one error feedback's writes raise: a refusal whose message is for the user."""

from django.core.exceptions import ValidationError
from django.utils.formats import number_format


class FeedbackRefused(ValidationError):
    """A submission the rules refuse; the message is for the user, in their language.

    `status` is the HTTP status a view answers with (403 not allowed, 404 not visible,
    409 the consultation is not open, 429 too many); `code` names refusals a view handles
    specially ("closed", "profile").
    """

    def __init__(self, message: str, *, status: int = 400, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.status = status


def check_length(text: str, *, limit: int, message: str) -> None:
    """Refuse `text` longer than `limit` with `message` (placeholders %(max)s and %(count)s),
    the numbers grouped as the user's language writes them (10.000 in Vietnamese)."""
    if len(text) > limit:
        raise FeedbackRefused(
            message
            % {
                "max": number_format(limit, force_grouping=True),
                "count": number_format(len(text), force_grouping=True),
            }
        )
