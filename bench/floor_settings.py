"""Production settings plus the submission floor of bench_feedback_submit (floor_urls)."""

from consult.settings.production import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
