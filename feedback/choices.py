"""The published lists feedback is classified by: respondent types, provinces, stances, reasons."""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RespondentType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")  # cá nhân
    ORGANISATION = "organisation", _("Organisation")  # tổ chức
    BUSINESS = "business", _("Business")  # doanh nghiệp
    PRESS = "press", _("Press agency")  # cơ quan báo chí
    EXPERT = "expert", _("Expert")  # chuyên gia
    STATE_BODY = "state_body", _("State body")  # cơ quan nhà nước

    @classmethod
    def organisational(cls) -> set[str]:
        """Types that speak for an organisation, whose name is public rather than personal."""
        return {cls.ORGANISATION, cls.BUSINESS, cls.PRESS, cls.STATE_BODY}


# The 34 provincial-level units since 1 July 2025 (Nghị quyết 202/2025/QH15), and abroad.
class Province(models.TextChoices):
    AN_GIANG = "an-giang", "An Giang"
    BAC_NINH = "bac-ninh", "Bắc Ninh"
    CA_MAU = "ca-mau", "Cà Mau"
    CAN_THO = "can-tho", "Thành phố Cần Thơ"
    CAO_BANG = "cao-bang", "Cao Bằng"
    DA_NANG = "da-nang", "Thành phố Đà Nẵng"
    DAK_LAK = "dak-lak", "Đắk Lắk"
    DIEN_BIEN = "dien-bien", "Điện Biên"
    DONG_NAI = "dong-nai", "Đồng Nai"
    DONG_THAP = "dong-thap", "Đồng Tháp"
    GIA_LAI = "gia-lai", "Gia Lai"
    HA_NOI = "ha-noi", "Thành phố Hà Nội"
    HA_TINH = "ha-tinh", "Hà Tĩnh"
    HAI_PHONG = "hai-phong", "Thành phố Hải Phòng"
    HO_CHI_MINH = "ho-chi-minh", "Thành phố Hồ Chí Minh"
    HUE = "hue", "Thành phố Huế"
    HUNG_YEN = "hung-yen", "Hưng Yên"
    KHANH_HOA = "khanh-hoa", "Khánh Hòa"
    LAI_CHAU = "lai-chau", "Lai Châu"
    LAM_DONG = "lam-dong", "Lâm Đồng"
    LANG_SON = "lang-son", "Lạng Sơn"
    LAO_CAI = "lao-cai", "Lào Cai"
    NGHE_AN = "nghe-an", "Nghệ An"
    NINH_BINH = "ninh-binh", "Ninh Bình"
    PHU_THO = "phu-tho", "Phú Thọ"
    QUANG_NGAI = "quang-ngai", "Quảng Ngãi"
    QUANG_NINH = "quang-ninh", "Quảng Ninh"
    QUANG_TRI = "quang-tri", "Quảng Trị"
    SON_LA = "son-la", "Sơn La"
    TAY_NINH = "tay-ninh", "Tây Ninh"
    THAI_NGUYEN = "thai-nguyen", "Thái Nguyên"
    THANH_HOA = "thanh-hoa", "Thanh Hóa"
    TUYEN_QUANG = "tuyen-quang", "Tuyên Quang"
    VINH_LONG = "vinh-long", "Vĩnh Long"
    ABROAD = "abroad", _("Abroad")


class DisplayName(models.TextChoices):
    """How a respondent's name is shown on their public comments."""

    FULL_NAME = "full_name", _("My full name")
    ORGANISATION = "organisation", _("My organisation's name")
    PROVINCE = "province", _("“Citizen of <province>”")


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As they happen")
    DAILY = "daily", _("A daily digest")
    NEVER = "never", _("Never (only on the site)")


class Stance(models.TextChoices):
    AGREE = "agree", _("Agree")  # tán thành
    DISAGREE = "disagree", _("Disagree")  # không tán thành
    AMEND = "amend", _("Propose an amendment")  # đề xuất sửa đổi
    OTHER = "other", _("Other comment")  # ý kiến khác


class FeedbackKind(models.TextChoices):
    COMMENT = "comment", _("Comment")  # ý kiến góp ý
    CRITIQUE = "critique", _("Official critique")  # ý kiến phản biện


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("On paper")
    LETTER = "letter", _("Official letter")  # công văn


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by a moderator")


class ModerationReason(models.TextChoices):
    """The published moderation rules: the only reasons a comment may be hidden."""

    OFF_TOPIC = "off_topic", _("Off topic")
    ABUSIVE = "abusive", _("Abusive or offensive language")
    PERSONAL_DATA = "personal_data", _("Contains personal data")
    SPAM = "spam", _("Spam or advertising")
    DUPLICATE = "duplicate", _("Duplicate of another comment")


class HoldReason(models.TextChoices):
    """Why a comment was held for a moderator automatically."""

    PRE_MODERATION = "pre_moderation", _("The consultation is pre-moderated")
    ABUSIVE_WORDS = "abusive_words", _("Possibly abusive words")
    LINK = "link", _("Contains a link")
    PERSONAL_DATA = "personal_data", _("Possibly a phone or ID number")
    RATE_LIMIT = "rate_limit", _("Many comments in a short time")
    FLAGGED = "flagged", _("Flagged by readers")


class ModerationAction(models.TextChoices):
    HOLD = "hold", pgettext_lazy("moderation", "Held")
    PUBLISH = "publish", pgettext_lazy("moderation", "Published")
    HIDE = "hide", pgettext_lazy("moderation", "Hidden")


class FlagReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Off topic")
    ABUSIVE = "abusive", _("Abusive or offensive language")
    PERSONAL_DATA = "personal_data", _("Contains personal data")
    SPAM = "spam", _("Spam or advertising")
    DUPLICATE = "duplicate", _("Duplicate of another comment")
    OTHER = "other", _("Something else")


class DispositionKind(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")  # tiếp thu
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")  # tiếp thu một phần
    EXPLAINED = "explained", _("Explained")  # giải trình
    NOT_ACCEPTED = "not_accepted", _("Not accepted")  # không tiếp thu
    NOTED = "noted", _("Noted")  # ghi nhận


class NotificationKind(models.TextChoices):
    DRAFT_OPENED = "draft_opened", _("A draft you follow is open for comments")
    DRAFT_CLOSED = "draft_closed", _("A draft you follow has closed its consultation")
    REPLY = "reply", _("A new reply")
    ANSWER = "answer", _("The drafting body answered a comment")
    HIDDEN = "hidden", _("A moderator hid your comment")
    PUBLISHED = "published", _("Your comment was published")


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """Stored value → its label in the active language, for labelling many rows at once."""
    return {str(value): str(label) for value, label in choices}
