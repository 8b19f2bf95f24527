"""App config so that the project package can hold cross-app management commands."""

from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "consult"
    verbose_name = "Consultation platform"
