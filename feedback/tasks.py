"""Background tasks of feedback: notices and their e-mails, enqueued after commit or by cron.

The dotted names (`feedback.tasks.<name>`) are what `services.common.enqueue_on_commit` and the
`feedback_periodic` command enqueue; arguments are plain ids so every backend can carry them.
"""

from django_tasks import task

from . import duplicates
from .services import notifications


@task()
def notify_reply(feedback_id: int) -> int:
    """A reply was published: tell the parent's author and the thread's followers."""
    return len(notifications.reply_notify(reply_id=feedback_id))


@task()
def notify_moderation(feedback_id: int) -> int:
    """A moderator published or hid a comment: tell its author (and why, when hidden)."""
    return len(notifications.moderation_notify(feedback_id=feedback_id))


@task()
def notify_answer(disposition_id: int) -> int:
    """The drafting body published an answer: tell the comments' authors and followers."""
    return len(notifications.disposition_notify(disposition_id=disposition_id))


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to a user who wants notices as they happen (at most once)."""
    return notifications.notification_email_send(notification_id=notification_id)


@task()
def send_daily_digests() -> int:
    """E-mail each daily-digest user their notices of the last day (cron, 07:00)."""
    return notifications.daily_digests_send()


@task()
def consultation_events_notify() -> int:
    """Record drafts that opened or closed and tell their followers (cron, every 5 minutes)."""
    return len(notifications.consultation_events_record())


@task()
def duplicate_group_assign(feedback_id: int) -> int | None:
    """A comment was saved: put it in its group of near-identical comments, if it has one."""
    group = duplicates.duplicate_group_assign(feedback_id=feedback_id)
    return group.pk if group is not None else None


@task()
def synthesis_report_run(report_id: int) -> str:
    """A drafter asked for the synthesis report: render it and store it as a document."""
    from .services import reports  # WeasyPrint and the report's code: only for this task

    report = reports.report_run(report_id=report_id)
    return report.status if report is not None else "skipped"
