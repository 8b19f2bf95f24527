"""The personal-data notice (Nghị định 13/2023/NĐ-CP) a respondent reads before consenting."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The consent version this text was written for. Changing the text means raising both this and
# settings.FEEDBACK_CONSENT_VERSION, so that every respondent is asked again; a test keeps the
# two equal.
TEXT_VERSION = "2026-01"


@dataclass(frozen=True, slots=True)
class NoticeSection:
    heading: Promise
    paragraphs: tuple[Promise, ...]


SECTIONS: tuple[NoticeSection, ...] = (
    NoticeSection(
        _("What we collect"),
        (
            _(
                "Your full name, whether you comment as an individual, an organisation, a "
                "business, a press agency, an expert or a state body, the name of your "
                "organisation, your province or city, and a telephone number if you choose "
                "to give one."
            ),
            _(
                "Your e-mail address, which you sign in with and where we send notifications, "
                "and the IP address each comment was sent from."
            ),
        ),
    ),
    NoticeSection(
        _("Why we collect it"),
        (
            _(
                "To run the public consultation on draft legal documents: to publish your "
                "comments, to let the drafting body contact you about them, and to count and "
                "answer them in the report that synthesises, accepts and explains the comments "
                "received (bản tổng hợp, tiếp thu, giải trình ý kiến)."
            ),
            _(
                "The IP address is used only to protect the consultation from abuse "
                "(floods of comments and spam)."
            ),
        ),
    ),
    NoticeSection(
        _("What is public"),
        (
            _(
                "Your comments are published with the name you choose to show (your full "
                "name, your organisation's name, or “Citizen of <province>”), your respondent "
                "type and your province or city. They appear in the synthesis report and in "
                "the open data of the consultation."
            ),
            _(
                "Your e-mail address, telephone number and IP address are never published. "
                "Only the portal's moderators and the staff of the drafting body whose draft "
                "you comment on can see your e-mail address and telephone number, to contact "
                "you about your comment; only moderators can see IP addresses."
            ),
            _(
                "Do not write sensitive personal data (health, religion, political opinions, "
                "identity card numbers) about yourself or others in a comment: a moderator "
                "will hide a comment that contains personal data."
            ),
        ),
    ),
    NoticeSection(
        _("How long we keep it"),
        (
            _(
                "Your account, profile, telephone number and notifications are kept until "
                "you delete your account."
            ),
            _(
                "Comments are part of the record of the draft's consultation, which the "
                "drafting body must keep, so they stay published after the consultation ends."
            ),
        ),
    ),
    NoticeSection(
        _("Your rights"),
        (
            _(
                "You may read and correct your profile at any time, and download everything "
                "we hold about you as a file."
            ),
            _(
                "You may delete your account at any time. Your profile, telephone number, "
                "e-mail addresses, subscriptions and notifications are then deleted. Your "
                "comments stay in the public record without your name: they are shown as "
                "from a citizen of your province, or under your organisation's name if you "
                "commented for an organisation, and the IP address is erased."
            ),
            _(
                "You may withdraw your consent by deleting your account. You may also "
                "complain to the portal's operator or to the authority that protects "
                "personal data."
            ),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class ConsentNotice:
    version: str
    sections: tuple[NoticeSection, ...]


def consent_notice() -> ConsentNotice:
    """The notice respondents consent to now, with the version their consent is recorded under."""
    return ConsentNotice(version=settings.FEEDBACK_CONSENT_VERSION, sections=SECTIONS)
