"""Public views of feedback, one module per area; each module exports its `urlpatterns`."""
