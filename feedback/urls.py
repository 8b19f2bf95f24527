"""Public URLs of feedback (Vietnamese slugs, under the language prefix)."""

from .views import account, comments, notifications

app_name = "feedback"
urlpatterns = [*comments.urlpatterns, *account.urlpatterns, *notifications.urlpatterns]
