"""Writes on feedback, one module per concern (comments, moderation, dispositions, ...)."""
