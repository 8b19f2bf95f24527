"""The admin form of a draft page: a drafter can only pick their own drafting body."""

from typing import Any

from wagtail.admin.forms import WagtailAdminPageForm


class DraftPageForm(WagtailAdminPageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Imported here: the models module imports this form class.
        from .selectors import drafting_bodies_for

        if self.for_user is not None and "drafting_body" in self.fields:
            self.fields["drafting_body"].queryset = drafting_bodies_for(user=self.for_user)
