"""The one error feedback's writes raise: a refusal whose message is for the user."""

from django.core.exceptions import ValidationError


class FeedbackRefused(ValidationError):
    """A submission the rules refuse; the message is for the user, in their language.

    `status` is the HTTP status a view answers with (403 not allowed, 404 not visible,
    409 the consultation is not open, 429 too many); `code` names refusals a view handles
    specially ("closed", "profile").
    """

    def __init__(self, message: str, *, status: int = 400, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.status = status
