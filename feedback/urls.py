"""Public URLs of feedback (Vietnamese slugs, under the language prefix)."""

from .views import account, comments, notifications, opendata, search

app_name = "feedback"
urlpatterns = [
    *comments.urlpatterns,
    *account.urlpatterns,
    *notifications.urlpatterns,
    *search.urlpatterns,
    *opendata.urlpatterns,
]
