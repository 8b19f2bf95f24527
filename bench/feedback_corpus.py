"""A seeded corpus of Vietnamese feedback documents and a query mix, for the search benchmarks.

``Corpus(size).documents()`` yields ``size`` documents shaped like the "feedback" search index's
(``feedback/documents.py``): the same arguments always give the same documents, in the same
order, on any machine (``random.Random`` seeded with strings, no hash ordering). Nothing here
imports Django: the benchmarks run it in the project's processes, where
``search_workload.check_fields`` compares its documents with the registered index's mapping.

What makes the corpus realistic enough to measure a search engine with:

- provisions: the article / clause / point tree of a real law (Luật Công nghệ thông tin
  67/2006/QH11 from shared/fixtures, read by a small reader of its own here), ids in the
  Akoma Ntoso style (``art_21``, ``art_21__para_2``, ``art_21__para_2__point_dd``) and each
  comment's ``provision`` field holding every ancestor (chapter first) and its own eid,
  so a filter on an article finds the comments on its clauses and points;
- skew: 8 drafts with Zipf-like weights (one draft gets about half the comments), articles
  of a draft ranked at random with weights 1/rank, a third of an article's comments on the
  article itself and the rest on its clauses and points; 5 % on the whole draft;
- campaigns: 20 % of the comments belong to 40 form-letter campaigns (sizes 1/rank: the
  largest holds about 5 % of the corpus), each a few fixed sentences sent with small
  variations (greeting, sign-off, a dropped sentence, punctuation, typed without diacritics)
  from many accounts in a few days, on one provision with one stance, carrying a
  ``duplicate_group``;
- people: respondent types (80 % individuals), the 34 provinces weighted roughly by population
  and a few from abroad, repeat authors (log-uniform ranks), official critiques only from
  organisations, the press, experts and state bodies;
- text: bodies of 1-5 sentences (critiques 4-16, in 2-4 paragraphs) composed from templates
  over the provision's own heading and a vocabulary of consultation topics, a quoted passage of the
  provision's real text on 30 % of top-level comments, suggested wording on most amendments,
  6 % of bodies typed without diacritics;
- time: a 60-day consultation, busy in its first days and its last week, daytime hours (Asia/
  Ho_Chi_Minh); statuses (pending, published, hidden), dispositions on a third of the
  published comments of the first 45 days (a campaign answered as one), supports Pareto-like.

A few planted documents (``PLANTED``) carry words found nowhere else ("Quỳnh Lưu"): the
benchmarks search for them, with and without diacritics, and fail when the engine's answer
differs from ``expected_planted(size)``. ``Corpus.truth`` holds exact counts per field value
(filled while the documents are generated) for the same purpose.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Bump whenever the documents change (fields, values, text, order): kept indexes are named
# after it, so a stale one is never measured.
GENERATOR_VERSION = 1
SEED = 2026
INDEX = "feedback"

FIXTURE = Path("/work/shared/fixtures/legal-texts/67_2006_QH11.txt")

CONSULTATION_DAYS = 60
# Opens at 08:00 in Asia/Ho_Chi_Minh (01:00 UTC).
OPENS = dt.datetime(2026, 9, 1, 1, 0, tzinfo=dt.UTC)
ICT = dt.timezone(dt.timedelta(hours=7))

# The keyword fields of the "feedback" index and the values the corpus gives them.
SINGLE_VALUED = (
    "draft",
    "version",
    "stance",
    "respondent_type",
    "province",
    "status",
    "disposition",
    "public_disposition",
    "has_attachment",
    "kind",
    "channel",
    "is_reply",
    "drafting_body",
    "duplicate_group",
)
KEYWORD_FIELDS = (*SINGLE_VALUED, "provision", "author")
TEXT_FIELDS = ("body", "quote", "suggested_text")
DATE_FIELD = "created"
SORT_FIELD = "support_count"

STANCES = ("agree", "disagree", "amend", "other")
STANCE_WEIGHTS = (28, 22, 38, 12)
RESPONDENT_TYPES = ("individual", "business", "organisation", "expert", "press", "state_body")
RESPONDENT_WEIGHTS = (80, 7, 5, 3.5, 1, 3.5)
ORGANISATIONAL = frozenset({"business", "organisation", "press", "state_body"})
CRITICS = frozenset({"organisation", "expert", "press", "state_body"})
STATUSES = ("published", "pending", "hidden")
STATUS_WEIGHTS = (86, 9, 5)
DISPOSITIONS = ("accepted", "partly_accepted", "explained", "not_accepted", "noted")
DISPOSITION_WEIGHTS = (20, 15, 40, 15, 10)
NONE = "none"  # feedback/documents.py's value of a keyword that has none
WHOLE_DRAFT = "_whole"  # and the provision of a comment on the whole draft
PUBLISHED_ANSWER_SHARE = 0.6  # of dispositions, published (public_disposition) by now

# The provinces of feedback.choices.Province, biggest first (weights ~ population, rounded).
PROVINCES = (
    ("ho-chi-minh", "Thành phố Hồ Chí Minh", 14.0),
    ("ha-noi", "Thành phố Hà Nội", 12.0),
    ("dong-nai", "Đồng Nai", 4.5),
    ("an-giang", "An Giang", 4.9),
    ("nghe-an", "Nghệ An", 4.5),
    ("thanh-hoa", "Thanh Hóa", 4.2),
    ("bac-ninh", "Bắc Ninh", 3.6),
    ("dong-thap", "Đồng Tháp", 4.3),
    ("hai-phong", "Thành phố Hải Phòng", 4.7),
    ("gia-lai", "Gia Lai", 3.6),
    ("dak-lak", "Đắk Lắk", 3.3),
    ("lam-dong", "Lâm Đồng", 3.9),
    ("vinh-long", "Vĩnh Long", 4.3),
    ("tay-ninh", "Tây Ninh", 3.3),
    ("quang-ngai", "Quảng Ngãi", 2.2),
    ("can-tho", "Thành phố Cần Thơ", 4.2),
    ("da-nang", "Thành phố Đà Nẵng", 3.1),
    ("phu-tho", "Phú Thọ", 4.0),
    ("ninh-binh", "Ninh Bình", 4.4),
    ("hung-yen", "Hưng Yên", 3.6),
    ("khanh-hoa", "Khánh Hòa", 2.2),
    ("thai-nguyen", "Thái Nguyên", 1.8),
    ("quang-ninh", "Quảng Ninh", 1.4),
    ("quang-tri", "Quảng Trị", 1.9),
    ("ca-mau", "Cà Mau", 2.6),
    ("lao-cai", "Lào Cai", 1.8),
    ("tuyen-quang", "Tuyên Quang", 1.9),
    ("ha-tinh", "Hà Tĩnh", 1.3),
    ("hue", "Thành phố Huế", 1.2),
    ("son-la", "Sơn La", 1.3),
    ("lang-son", "Lạng Sơn", 0.8),
    ("dien-bien", "Điện Biên", 0.6),
    ("lai-chau", "Lai Châu", 0.5),
    ("cao-bang", "Cao Bằng", 0.5),
    ("abroad", "nước ngoài", 0.4),
)

DRAFTS = 8
DRAFTING_BODIES = 4
CAMPAIGNS = 40
CAMPAIGN_SHARE = 0.20
REPLY_SHARE = 0.18
WHOLE_DRAFT_SHARE = 0.05
NO_DIACRITICS_SHARE = 0.06
MAX_SUPPORTS = 5000

# Planted documents: words that occur nowhere else in the corpus ("quynh" is checked against
# every vocabulary pool and the fixture on import). The benchmarks search for them.
PLANTED_WORD = "Quỳnh"
PLANTED = (
    # (body, status, drafting body of its draft, is it a reply)
    (
        "Đề nghị bổ sung chính sách hỗ trợ ngư dân vùng bãi ngang Quỳnh Lưu chuyển đổi nghề khi "
        "thu hồi đất nuôi trồng thủy sản.",
        "published",
        "1",
        False,
    ),
    (
        "De nghi bo sung chinh sach ho tro ngu dan vung bai ngang Quynh Luu chuyen doi nghe khi "
        "thu hoi dat nuoi trong thuy san.",
        "published",
        "1",
        False,
    ),
    (
        "Tại Quỳnh Lưu, việc giải phóng mặt bằng kéo dài nhiều năm vì thiếu quỹ đất tái định cư.",
        "published",
        "1",
        False,
    ),
    ("Người dân xã Quỳnh Bảng đề nghị công khai phương án bồi thường.", "published", "1", False),
    ("Tôi cũng ở Quỳnh Lưu và đồng ý với ý kiến trên.", "pending", "2", True),
)


# Vocabulary -----------------------------------------------------------------------------------

TOPICS = (
    "giải phóng mặt bằng",
    "bồi thường, hỗ trợ, tái định cư",
    "dữ liệu cá nhân",
    "chữ ký số",
    "thủ tục hành chính",
    "dịch vụ công trực tuyến",
    "an toàn thông tin mạng",
    "doanh nghiệp nhỏ và vừa",
    "hộ kinh doanh cá thể",
    "phí, lệ phí",
    "thời hạn giải quyết hồ sơ",
    "quyền sử dụng đất",
    "định danh điện tử",
    "cơ sở dữ liệu quốc gia",
    "chế tài xử phạt vi phạm hành chính",
    "người cao tuổi và người khuyết tật",
    "hạ tầng viễn thông",
    "thanh toán không dùng tiền mặt",
    "bảo vệ người tiêu dùng",
    "quảng cáo trên mạng",
    "trí tuệ nhân tạo",
    "lưu trữ dữ liệu tại Việt Nam",
    "hợp đồng điện tử",
    "hóa đơn điện tử",
    "phân cấp, phân quyền cho địa phương",
    "nguồn lực tài chính",
    "đào tạo nguồn nhân lực",
    "chuyển đổi số",
    "giao dịch điện tử",
    "trách nhiệm giải trình",
)
GROUPS = (
    "người dân ở vùng sâu, vùng xa",
    "doanh nghiệp nhỏ và vừa",
    "hộ kinh doanh cá thể",
    "người cao tuổi",
    "cán bộ, công chức cấp xã",
    "hợp tác xã",
    "người lao động tự do",
    "đồng bào dân tộc thiểu số",
    "học sinh, sinh viên",
    "doanh nghiệp có vốn đầu tư nước ngoài",
)
REASONS = (
    "chưa có đánh giá tác động đầy đủ",
    "trùng lặp với quy định của Luật Đất đai năm 2024",
    "làm phát sinh thủ tục hành chính mới",
    "chi phí tuân thủ quá cao",
    "thiếu tính khả thi trong điều kiện hiện nay",
    "chưa bảo đảm quyền riêng tư của người dân",
    "mâu thuẫn với Bộ luật Dân sự",
    "giao quá nhiều việc cho văn bản hướng dẫn",
    "không rõ cơ quan nào chịu trách nhiệm",
    "thời gian chuẩn bị quá ngắn",
)
DIRECTIONS = (
    "quy định cụ thể thời hạn giải quyết không quá 15 ngày làm việc",
    "giao Chính phủ quy định chi tiết",
    "phân cấp cho Ủy ban nhân dân cấp tỉnh",
    "miễn phí cho người có công với cách mạng",
    "cho phép nộp hồ sơ trực tuyến toàn trình",
    "bỏ yêu cầu nộp bản sao có chứng thực",
    "quy định lộ trình áp dụng đến năm 2030",
    "bổ sung cơ chế khiếu nại khi bị từ chối",
    "công khai kết quả giải quyết trên cổng thông tin",
    "thống nhất một đầu mối tiếp nhận",
)
GOALS = (
    "bảo đảm tính thống nhất của hệ thống pháp luật",
    "bảo vệ quyền và lợi ích hợp pháp của người dân",
    "tạo thuận lợi cho doanh nghiệp",
    "phòng ngừa tham nhũng, tiêu cực",
    "tránh cách hiểu khác nhau khi áp dụng",
    "giảm chi phí cho xã hội",
    "phù hợp với cam kết quốc tế của Việt Nam",
)
ACTORS = (
    "Ủy ban nhân dân cấp xã",
    "cơ quan chủ trì soạn thảo",
    "Bộ Công an",
    "Bộ Khoa học và Công nghệ",
    "Bộ Tài chính",
    "doanh nghiệp cung cấp dịch vụ",
    "tổ chức tín dụng",
    "Sở Tư pháp",
)
OBSERVATIONS = (
    "nhiều hộ dân phải đi lại nhiều lần mới hoàn thành thủ tục",
    "cán bộ bộ phận một cửa chưa được tập huấn đầy đủ",
    "hạ tầng mạng còn yếu, thường xuyên mất kết nối",
    "người dân chưa quen sử dụng dịch vụ công trực tuyến",
    "việc thu hồi đất kéo dài gây bức xúc trong nhân dân",
    "doanh nghiệp phải nộp cùng một loại giấy tờ cho nhiều cơ quan",
    "dữ liệu giữa các ngành chưa được kết nối, chia sẻ",
)
COUNTRIES = ("Hàn Quốc", "Singapore", "Nhật Bản", "Liên minh châu Âu", "Estonia", "Úc")
CLAIMS = (
    "cần có một cơ quan độc lập giám sát việc thực thi",
    "quy định càng đơn giản thì người dân càng tuân thủ",
    "phải có thời gian chuyển tiếp đủ dài",
    "việc công khai dữ liệu giúp giảm khiếu nại",
)

AGREE = (
    "Tôi hoàn toàn tán thành quy định về {topic}.",
    "Quy định tại {ref} phù hợp với thực tiễn và nguyện vọng của {group}.",
    "Đề nghị giữ nguyên nội dung {ref} như dự thảo.",
    "Tán thành việc quy định {topic} trong dự thảo lần này.",
)
DISAGREE = (
    "Tôi không đồng ý với quy định về {topic} tại {ref}.",
    "Quy định này sẽ gây khó khăn cho {group} vì {reason}.",
    "Đề nghị bỏ {ref} vì {reason}.",
    "Nội dung {ref} {reason}, cần xem xét lại.",
)
AMEND = (
    "Đề nghị sửa đổi {ref} theo hướng {direction}.",
    "Cần bổ sung quy định về {topic} để {goal}.",
    "Đề nghị làm rõ khái niệm {topic} tại {ref}.",
    "Đề nghị {direction} để {goal}.",
)
COMMON = (
    "Dự thảo chưa quy định rõ trách nhiệm của {actor} đối với {topic}.",
    "Thực tế tại {place}, {observation}.",
    "Kinh nghiệm của {country} cho thấy {claim}.",
    "Quy định về {heading} cần gắn với {topic}.",
    "Ban soạn thảo cần lấy thêm ý kiến của {group} về {topic}.",
)
REPLIES = (
    "Tôi đồng ý với ý kiến trên.",
    "Xin bổ sung thêm: {common}",
    "Ý kiến này chưa chính xác vì {reason}.",
    "Ở {place} cũng vậy, {observation}.",
)
GREETINGS = (
    "Kính gửi Ban soạn thảo,",
    "Kính gửi cơ quan chủ trì soạn thảo,",
    "Thưa Ban soạn thảo,",
)
SIGN_OFFS = ("Trân trọng.", "Xin cảm ơn.", "Rất mong được tiếp thu.")

_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def strip_diacritics(text: str) -> str:
    """Text as typed on a keyboard without Vietnamese input, case kept ("Đất" -> "Dat")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _folded_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", strip_diacritics(text).lower()))


# The law: provisions and their texts ------------------------------------------------------------

_CHAPTER = re.compile(r"^Chương\s+([IVXLC]+)\b")
_ARTICLE = re.compile(r"^Điều\s+(\d+[a-z]?)\s*[.:]?\s*(.*)$")
_CLAUSE = re.compile(r"^(\d+[a-z]?)\s*\.\s*(.+)$")
_POINT = re.compile(r"^([a-zđ]\d?)\)\s*(.+)$")


@dataclass(frozen=True, slots=True)
class Provision:
    eid: str
    keys: tuple[str, ...]  # every ancestor's eid, root first, then its own
    heading: str  # the article's heading (what the provision is about)
    text: str  # its own words (an article's: its heading)
    ref: str  # how a commenter cites it: "điểm a khoản 1 Điều 21"


def _point_id(letter: str) -> str:
    return letter.replace("đ", "dd")


def read_law(path: Path = FIXTURE) -> list[Provision]:
    """The articles, clauses and points of the law at ``path`` (articles keep their chapter).

    A deliberately small reader, independent of the project's importer, so the corpus does not
    move with it: chapters, "Điều N." lines (with the real text's missing dots and colons),
    "N." clauses and "a)" points; every other line is skipped.
    """
    provisions: list[Provision] = []
    chapter = ""
    article: Provision | None = None
    clause: Provision | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = unicodedata.normalize("NFC", raw).strip()
        if match := _CHAPTER.match(line):
            chapter = f"chp_{match.group(1)}"
            continue
        if match := _ARTICLE.match(line):
            number, heading = match.groups()
            eid = f"art_{number}"
            keys = (chapter, eid) if chapter else (eid,)
            article = Provision(eid, keys, heading.strip(), heading.strip(), f"Điều {number}")
            provisions.append(article)
            clause = None
            continue
        if article is None:
            continue
        if match := _CLAUSE.match(line):
            number, text = match.groups()
            eid = f"{article.eid}__para_{number}"
            clause = Provision(
                eid, (*article.keys, eid), article.heading, text, f"khoản {number} {article.ref}"
            )
            provisions.append(clause)
            continue
        if (match := _POINT.match(line)) and clause is not None:
            letter, text = match.groups()
            eid = f"{clause.eid}__point_{_point_id(letter)}"
            provisions.append(
                Provision(
                    eid, (*clause.keys, eid), clause.heading, text, f"điểm {letter} {clause.ref}"
                )
            )
    if len([p for p in provisions if "__" not in p.eid]) < 50:
        raise ValueError(f"{path}: fewer than 50 articles read; is it the right file?")
    return provisions


def _check_planted_word(provisions: list[Provision]) -> None:
    """The planted word must occur in no pool the corpus draws from, or the checks would lie."""
    word = strip_diacritics(PLANTED_WORD).lower()
    pools: list[str] = [p.text for p in provisions]
    for pool in (
        TOPICS, GROUPS, REASONS, DIRECTIONS, GOALS, ACTORS, OBSERVATIONS, COUNTRIES, CLAIMS,
        AGREE, DISAGREE, AMEND, COMMON, REPLIES, GREETINGS, SIGN_OFFS,
    ):  # fmt: skip
        pools.extend(pool)
    pools.extend(name for _slug, name, _weight in PROVINCES)
    for text in pools:
        if word in _folded_words(text):
            raise ValueError(f"the planted word {PLANTED_WORD!r} occurs in {text[:80]!r}")


# The corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    pk: str
    drafting_body: str
    versions: int
    provisions: tuple[Provision, ...]
    cum_weights: tuple[float, ...]  # over provisions, for rng.choices
    articles: tuple[str, ...]  # article eids, most commented first


@dataclass(slots=True)
class Campaign:
    number: int
    draft: Draft
    provision: Provision
    stance: str
    sentences: tuple[str, ...]
    province: str
    start_day: int
    days: int
    status_published: float
    disposition: str  # the group is answered at once
    answer_published: bool


@dataclass(slots=True)
class Truth:
    """Exact counts over the documents generated so far, for the benchmarks' checks."""

    total: int = 0
    values: dict[str, Counter[str]] = field(default_factory=dict)
    provisions: dict[str, Counter[str]] = field(default_factory=dict)  # draft -> key -> count

    def add(self, document: Mapping[str, Any]) -> None:
        self.total += 1
        for name in SINGLE_VALUED:
            self.values.setdefault(name, Counter())[document[name]] += 1
        self.provisions.setdefault(document["draft"], Counter()).update(document["provision"])

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "values": {name: dict(counter) for name, counter in self.values.items()},
            "provisions": {draft: dict(counter) for draft, counter in self.provisions.items()},
        }


_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")
_MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quang")
_GIVEN = (
    *("An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Khánh", "Lan", "Linh"),
    *("Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn"),
)
_ORGANISATIONS = {
    "business": "Công ty Cổ phần Công nghệ số {n}",
    "organisation": "Hiệp hội Doanh nghiệp {place}",
    "press": "Báo Điện tử Tin tức {n}",
    "state_body": "Sở Khoa học và Công nghệ {place}",
}
EXCERPT_LENGTH = 300


def _author_name(author: int, respondent_type: str, province: str) -> str:
    """The public name a comment is shown under: a person's, or an organisation's."""
    template = _ORGANISATIONS.get(respondent_type)
    if template is not None:
        return template.format(n=author % 97, place=_PROVINCE_NAMES[province])
    return (
        f"{_FAMILY[author % len(_FAMILY)]} {_MIDDLE[author // 11 % len(_MIDDLE)]} "
        f"{_GIVEN[author // 89 % len(_GIVEN)]}"
    )


def _pick(rng: random.Random, cum: tuple[float, ...]) -> int:
    """An index drawn with the weights whose running totals are ``cum``."""
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def _cumulative(weights: list[float] | tuple[float, ...]) -> tuple[float, ...]:
    return tuple(itertools.accumulate(weights))


_PROVINCE_NAMES = {slug: name for slug, name, _weight in PROVINCES}


class _Slots(dict[str, str]):
    """The words a template's {slots} take, drawn only when the template uses them."""

    _POOLS: Mapping[str, tuple[str, ...]] = {
        "group": GROUPS,
        "reason": REASONS,
        "direction": DIRECTIONS,
        "goal": GOALS,
        "actor": ACTORS,
        "place": tuple(name for _slug, name, _weight in PROVINCES[:-1]),
        "observation": OBSERVATIONS,
        "country": COUNTRIES,
        "claim": CLAIMS,
    }

    def __init__(self, rng: random.Random, provision: Provision, topic: str) -> None:
        heading = provision.heading
        super().__init__(topic=topic, heading=heading[:1].lower() + heading[1:], ref=provision.ref)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        value = self.rng.choice(self._POOLS[key])
        self[key] = value
        return value


class Corpus:
    """``size`` feedback documents, the same for the same (size, seed)."""

    def __init__(self, size: int, *, seed: int = SEED, law: Path = FIXTURE) -> None:
        if size < 1000:
            raise ValueError("a corpus of fewer than 1,000 documents has no realistic skew")
        self.size = size
        self.seed = seed
        rng = random.Random(f"{seed}:structure")
        law_provisions = read_law(law)
        _check_planted_word(law_provisions)
        articles = [p for p in law_provisions if "__" not in p.eid]
        drafts: list[Draft] = []
        for number in range(1, DRAFTS + 1):
            # Each draft: the first 20-79 articles of the law (their clauses and points with them).
            count = len(articles) if number == 1 else rng.randint(20, len(articles))
            kept = {a.eid for a in articles[:count]}
            provisions = [p for p in law_provisions if p.eid.split("__")[0] in kept]
            ranked = [a.eid for a in articles[:count]]
            rng.shuffle(ranked)
            article_weight = {eid: 1.0 / rank for rank, eid in enumerate(ranked, start=1)}
            children = Counter(p.eid.split("__")[0] for p in provisions if "__" in p.eid)
            weights = []
            for p in provisions:
                top = p.eid.split("__")[0]
                share = article_weight[top]
                if "__" not in p.eid:
                    # A third on the article itself when it has clauses; all of it otherwise.
                    weights.append(share / 3 if children[top] else share)
                else:
                    weights.append(share * 2 / 3 / children[top])
            drafts.append(
                Draft(
                    pk=str(number),
                    drafting_body=str((number - 1) % DRAFTING_BODIES + 1),
                    versions=2 if number <= 3 else 1,
                    provisions=tuple(provisions),
                    cum_weights=_cumulative(weights),
                    articles=tuple(ranked),
                )
            )
        self.drafts = drafts
        self.draft_cum = _cumulative([1.0 / rank**1.3 for rank in range(1, DRAFTS + 1)])
        self.stance_cum = _cumulative(STANCE_WEIGHTS)
        self.respondent_cum = _cumulative(RESPONDENT_WEIGHTS)
        self.status_cum = _cumulative(STATUS_WEIGHTS)
        self.disposition_cum = _cumulative(DISPOSITION_WEIGHTS)
        self.province_cum = _cumulative([weight for _s, _n, weight in PROVINCES])
        # Busy first days and last week, quieter in between; daytime hours.
        day_weights = [
            3.0 * 0.75**day + 1.0 + (2.5 * (day - 52) / 7 if day >= 53 else 0.0)
            for day in range(CONSULTATION_DAYS)
        ]
        self.day_cum = _cumulative(day_weights)
        hour_weights = [0.2] * 6 + [1, 2, 3, 3, 3, 2, 2, 3, 3, 3, 2, 2, 2, 3, 3, 2, 1, 0.5]
        self.hour_cum = _cumulative(hour_weights)
        self.authors = max(1000, size // 3)
        self.campaigns = self._campaigns(rng)
        self.campaign_cum = _cumulative([1.0 / rank for rank in range(1, CAMPAIGNS + 1)])
        self.truth = Truth()

    # -- structure ---------------------------------------------------------------------

    def _campaigns(self, rng: random.Random) -> list[Campaign]:
        out = []
        for number in range(1, CAMPAIGNS + 1):
            draft = self.drafts[0] if number % 3 else self.drafts[number % DRAFTS]
            # Campaigns target the most commented articles' clauses.
            article = draft.articles[rng.randrange(min(8, len(draft.articles)))]
            targets = [p for p in draft.provisions if p.eid.split("__")[0] == article]
            provision = rng.choice(targets)
            stance = rng.choice(("disagree", "disagree", "amend", "amend", "agree"))
            topic = rng.choice(TOPICS)
            slots = self._slots(rng, provision, topic)
            pool = {"agree": AGREE, "disagree": DISAGREE, "amend": AMEND}[stance]
            sentences = [rng.choice(pool).format_map(slots)]
            for _ in range(rng.randint(2, 4)):
                sentences.append(
                    rng.choice(pool + COMMON).format_map(self._slots(rng, provision, topic))
                )
            out.append(
                Campaign(
                    number=number,
                    draft=draft,
                    provision=provision,
                    stance=stance,
                    sentences=tuple(dict.fromkeys(sentences)),
                    province=PROVINCES[rng.randrange(20)][0],
                    start_day=rng.randrange(CONSULTATION_DAYS - 4),
                    days=rng.randint(1, 4),
                    status_published=rng.choice((0.95, 0.85, 0.6)),
                    disposition=rng.choice((NONE, NONE, "explained", "not_accepted")),
                    answer_published=rng.random() < PUBLISHED_ANSWER_SHARE,
                )
            )
        return out

    def _slots(self, rng: random.Random, provision: Provision, topic: str) -> _Slots:
        return _Slots(rng, provision, topic)

    # -- documents ---------------------------------------------------------------------

    def _created(self, rng: random.Random, day: int | None = None) -> dt.datetime:
        if day is None:
            day = _pick(rng, self.day_cum)
        hour = _pick(rng, self.hour_cum)
        local = OPENS.astimezone(ICT).replace(hour=0) + dt.timedelta(
            days=day, hours=hour, seconds=rng.randrange(3600)
        )
        return local.astimezone(dt.UTC)

    def _sentences(
        self, rng: random.Random, provision: Provision, stance: str, count: int
    ) -> list[str]:
        pool = {"agree": AGREE, "disagree": DISAGREE, "amend": AMEND}.get(stance, COMMON)
        topic = rng.choice(TOPICS)
        out = [rng.choice(pool).format_map(self._slots(rng, provision, topic))]
        for _ in range(count - 1):
            template = rng.choice(pool + COMMON)
            out.append(template.format_map(self._slots(rng, provision, topic)))
        return out

    def _regular(self, rng: random.Random, number: int) -> dict[str, Any]:
        draft = self.drafts[_pick(rng, self.draft_cum)]
        whole = rng.random() < WHOLE_DRAFT_SHARE
        provision = draft.provisions[_pick(rng, draft.cum_weights)]
        respondent = RESPONDENT_TYPES[_pick(rng, self.respondent_cum)]
        is_reply = rng.random() < REPLY_SHARE
        critique = not is_reply and respondent in CRITICS and rng.random() < 0.15
        stance = "" if is_reply else STANCES[_pick(rng, self.stance_cum)]
        if is_reply:
            template = rng.choice(REPLIES)
            slots = self._slots(rng, provision, rng.choice(TOPICS))
            slots["common"] = rng.choice(COMMON).format_map(slots)
            body = template.format_map(slots)
        elif critique:
            paragraphs = [
                " ".join(self._sentences(rng, provision, stance, rng.randint(2, 4)))
                for _ in range(rng.randint(2, 4))
            ]
            body = "\n\n".join(paragraphs)
        else:
            count = min(5, 1 + int(rng.expovariate(0.7)))
            body = " ".join(self._sentences(rng, provision, stance, count))
        quote = ""
        if not is_reply and not whole and rng.random() < 0.3:
            words = provision.text.split()
            start = rng.randrange(max(1, len(words) - 6))
            quote = " ".join(words[start : start + rng.randint(6, 20)])
        suggested = ""
        if stance == "amend" and not whole and rng.random() < 0.7:
            suggested = f"{provision.text.rstrip('.;:')}, {rng.choice(DIRECTIONS)}."
        if rng.random() < NO_DIACRITICS_SHARE:
            body = strip_diacritics(body)
        day = _pick(rng, self.day_cum)
        status = STATUSES[_pick(rng, self.status_cum)]
        disposition = public = NONE
        if status == "published" and not is_reply and day < 45 and rng.random() < 0.33:
            disposition = DISPOSITIONS[_pick(rng, self.disposition_cum)]
            public = disposition if rng.random() < PUBLISHED_ANSWER_SHARE else NONE
        if critique or respondent == "state_body":
            channel = "letter" if rng.random() < 0.5 else "online"
        else:
            channel = "paper" if rng.random() < 0.04 else "online"
        # Log-uniform ranks: a few people comment often, most once.
        author = int(self.authors ** rng.random())
        return self._document(
            number=number,
            draft=draft,
            provision=None if whole else provision,
            stance=stance,
            respondent_type=respondent,
            province=PROVINCES[_pick(rng, self.province_cum)][0],
            status=status,
            disposition=disposition,
            public_disposition=public,
            has_attachment=rng.random() < (0.6 if critique else 0.02),
            kind="critique" if critique else "comment",
            channel=channel,
            is_reply=is_reply,
            author=author,
            duplicate_group=NONE,
            created=self._created(rng, day),
            supports=min(MAX_SUPPORTS, int(rng.paretovariate(1.1)) - 1),
            body=body,
            quote=quote,
            suggested_text=suggested,
        )

    def _campaign_member(self, rng: random.Random, number: int) -> dict[str, Any]:
        campaign = self.campaigns[_pick(rng, self.campaign_cum)]
        sentences = list(campaign.sentences)
        if len(sentences) > 2 and rng.random() < 0.1:
            sentences.pop(rng.randrange(1, len(sentences)))
        if rng.random() < 0.4:
            sentences.insert(0, rng.choice(GREETINGS))
        if rng.random() < 0.3:
            sentences.append(rng.choice(SIGN_OFFS))
        body = " ".join(sentences)
        if rng.random() < 0.1:
            body = body.replace(". ", "; ", 1)
        if rng.random() < NO_DIACRITICS_SHARE:
            body = strip_diacritics(body)
        status = "published" if rng.random() < campaign.status_published else "hidden"
        province = campaign.province if rng.random() < 0.8 else PROVINCES[rng.randrange(34)][0]
        day = campaign.start_day + rng.randrange(campaign.days)
        answer = campaign.disposition if status == "published" else NONE
        return self._document(
            number=number,
            draft=campaign.draft,
            provision=campaign.provision,
            stance=campaign.stance,
            respondent_type="individual",
            province=province,
            status=status,
            disposition=answer,
            public_disposition=answer if campaign.answer_published else NONE,
            has_attachment=False,
            kind="comment",
            channel="online",
            is_reply=False,
            author=self.authors + number,  # a new account for each letter
            duplicate_group=str(campaign.number),
            created=self._created(rng, day),
            supports=0 if rng.random() < 0.97 else rng.randint(1, 5),
            body=body,
            quote="",
            suggested_text="",
        )

    def _document(
        self,
        *,
        number: int,
        draft: Draft,
        provision: Provision | None,
        stance: str,
        respondent_type: str,
        province: str,
        status: str,
        disposition: str,
        public_disposition: str,
        has_attachment: bool,
        kind: str,
        channel: str,
        is_reply: bool,
        author: int,
        duplicate_group: str,
        created: dt.datetime,
        supports: int,
        body: str,
        quote: str,
        suggested_text: str,
    ) -> dict[str, Any]:
        version = "2" if draft.versions == 2 and created >= OPENS + dt.timedelta(days=30) else "1"
        document: dict[str, Any] = {
            "id": str(number),
            "stamp": f"g{GENERATOR_VERSION}:{number}",
            "draft": draft.pk,
            "version": version,
            "provision": list(provision.keys) if provision else [WHOLE_DRAFT],
            "stance": stance or NONE,
            "respondent_type": respondent_type,
            "province": province,
            "status": status,
            "disposition": disposition,
            "public_disposition": public_disposition,
            "has_attachment": "yes" if has_attachment else "no",
            "kind": kind,
            "channel": channel,
            "is_reply": "yes" if is_reply else "no",
            "drafting_body": draft.drafting_body,
            "author": str(author),
            "duplicate_group": duplicate_group,
            "created": created,
            "support_count": max(0, supports),
            "body": body,
            "quote": quote,
            "suggested_text": suggested_text,
            "eid": provision.eid if provision else "",
            "author_name": _author_name(author, respondent_type, province),
            "excerpt": body if len(body) <= EXCERPT_LENGTH else body[:EXCERPT_LENGTH] + "…",
        }
        self.truth.add(document)
        return document

    def _planted(
        self, rng: random.Random, number: int, planted: tuple[str, str, str, bool]
    ) -> dict[str, Any]:
        body, status, body_of_draft, is_reply = planted
        draft = next(d for d in self.drafts if d.drafting_body == body_of_draft)
        provision = next(p for p in draft.provisions if p.eid == f"{draft.articles[0]}__para_1")
        return self._document(
            number=number,
            draft=draft,
            provision=provision,
            stance="" if is_reply else "amend",
            respondent_type="individual",
            province="nghe-an",
            status=status,
            disposition=NONE,
            public_disposition=NONE,
            has_attachment=False,
            kind="comment",
            channel="online",
            is_reply=is_reply,
            author=2 * self.size + number,
            duplicate_group=NONE,
            created=self._created(rng, 20),
            supports=1,
            body=body,
            quote="",
            suggested_text="",
        )

    def documents(self, *, start: int = 0, stop: int | None = None) -> Iterator[dict[str, Any]]:
        """The documents ``start`` to ``stop`` (default: all) of the corpus, in order.

        The generator is sequential: documents before ``start`` are generated and dropped, so
        their counts are in ``truth`` too only when starting at 0.
        """
        self.truth = Truth()
        stop = self.size if stop is None else min(stop, self.size)
        rng = random.Random(f"{self.seed}:documents")
        regular_end = self.size - len(PLANTED)
        for position in range(stop):
            number = position + 1
            if position >= regular_end:
                document = self._planted(rng, number, PLANTED[position - regular_end])
            elif rng.random() < CAMPAIGN_SHARE:
                document = self._campaign_member(rng, number)
            else:
                document = self._regular(rng, number)
            if position >= start:
                yield document


# The query mix ------------------------------------------------------------------------------

DRAFTER_FACETS = (
    "provision",
    "stance",
    "respondent_type",
    "province",
    "status",
    "disposition",
    "has_attachment",
    "duplicate_group",
)
PUBLIC_FACETS = (
    "provision",
    "stance",
    "respondent_type",
    "province",
    "public_disposition",
    "has_attachment",
)
SEARCH_TEXTS = (
    "giải phóng mặt bằng",
    "dữ liệu cá nhân",
    "chữ ký số",
    "thủ tục hành chính",
    "bồi thường",
    "doanh nghiệp nhỏ",
    "thời hạn giải quyết",
    "lệ phí",
    "người cao tuổi",
    "an toàn thông tin",
    "định danh điện tử",
    "hóa đơn điện tử",
    "trách nhiệm",
    "vùng sâu vùng xa",
    "lưu trữ dữ liệu",
    "thông tin cá nhân",
    "môi trường mạng",
    "tái định cư",
    "cơ quan nhà nước",
    "hộ kinh doanh",
)
SEARCH_PHRASES = (
    '"chữ ký số"',
    '"dữ liệu cá nhân"',
    '"thủ tục hành chính"',
    '"giải phóng mặt bằng"',
    '"môi trường mạng"',
    '"doanh nghiệp nhỏ và vừa"',
)
SEARCH_PREFIXES = ("chuyển*", "điện*", "thông*", "bồi*", "dữ liệu*")
SEARCH_EXCLUSIONS = ("dữ liệu -phí", "thủ tục -điện", "bồi thường -đất")
# (kind, weight): what drafters and the public search for, roughly how often.
QUERY_KINDS = (
    ("drafter_text", 5),
    ("drafter_folded", 4),
    ("drafter_phrase_provision", 2),
    ("drafter_dashboard", 3),
    ("drafter_people", 2),
    ("public_text", 3),
    ("drafter_dates", 1),
    ("drafter_prefix", 1),
    ("drafter_page3", 1),
    ("drafter_exclude", 1),
    ("drafter_group", 1),
)


def drafter_scope(drafting_body: str) -> tuple[dict[str, tuple[str, ...]], ...]:
    """What a drafter of this body may see: published comments, and any in its own drafts."""
    return ({"status": ("published",)}, {"drafting_body": (drafting_body,)})


PUBLIC_SCOPE: tuple[dict[str, tuple[str, ...]], ...] = ({"status": ("published",)},)


def query_mix(corpus: Corpus, count: int, *, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` queries (keyword arguments of search.query.Query, and a ``kind``), seeded.

    Drafters search their own draft (drafts drawn with the corpus's weights, so the busiest
    one most often) with 8 facets, the public with 6; texts with and without diacritics,
    phrases, prefixes and exclusions; filters by provision (an article: its clauses and points
    too), stance, province, respondent type, dates, a duplicate group; the three sorts.
    """
    rng = random.Random(f"{seed}:queries:{count}")
    kinds = [kind for kind, _weight in QUERY_KINDS]
    kind_cum = _cumulative([weight for _kind, weight in QUERY_KINDS])
    by_draft: dict[str, list[str]] = {}
    for campaign in corpus.campaigns:
        by_draft.setdefault(campaign.draft.pk, []).append(str(campaign.number))
    last_week = (OPENS.astimezone(ICT) + dt.timedelta(days=CONSULTATION_DAYS - 7)).date()
    out: list[dict[str, Any]] = []
    for _ in range(count):
        kind = kinds[_pick(rng, kind_cum)]
        draft = corpus.drafts[_pick(rng, corpus.draft_cum)]
        article = draft.articles[int(min(len(draft.articles), 12) ** rng.random())]
        text = rng.choice(SEARCH_TEXTS)
        spec: dict[str, Any] = {
            "kind": kind,
            "filters": {"draft": (draft.pk,)},
            "scope": drafter_scope(draft.drafting_body),
            "facets": DRAFTER_FACETS,
            "sort": "relevance",
        }
        if kind == "drafter_text":
            spec["text"] = text
        elif kind == "drafter_folded":
            spec["text"] = strip_diacritics(text).lower()
        elif kind == "drafter_phrase_provision":
            spec["text"] = rng.choice(SEARCH_PHRASES)
            spec["filters"] |= {"provision": (article,)}
        elif kind == "drafter_dashboard":
            stances = rng.choice((("disagree",), ("amend",), ("disagree", "amend")))
            spec["filters"] |= {"provision": (article,), "stance": stances}
            spec["sort"] = "newest"
        elif kind == "drafter_people":
            spec["text"] = text.split()[0] if rng.random() < 0.5 else text
            provinces = tuple(PROVINCES[rng.randrange(12)][0] for _ in range(2))
            spec["filters"] |= {
                "province": tuple(dict.fromkeys(provinces)),
                "respondent_type": (rng.choice(RESPONDENT_TYPES[1:]), "individual"),
            }
            spec["sort"] = "supported"
        elif kind == "public_text":
            spec["text"] = text if rng.random() < 0.5 else strip_diacritics(text).lower()
            spec["scope"] = PUBLIC_SCOPE
            spec["facets"] = PUBLIC_FACETS
        elif kind == "drafter_dates":
            spec["text"] = text
            spec["date_from"] = last_week
            spec["date_to"] = last_week + dt.timedelta(days=6)
            spec["sort"] = "newest"
        elif kind == "drafter_prefix":
            spec["text"] = rng.choice(SEARCH_PREFIXES)
        elif kind == "drafter_page3":
            spec["text"] = text.split()[-1]
            spec["page"] = 3
        elif kind == "drafter_exclude":
            spec["text"] = rng.choice(SEARCH_EXCLUSIONS)
        elif kind == "drafter_group":
            groups = by_draft.get(draft.pk)
            if groups:
                spec["filters"] |= {"duplicate_group": (rng.choice(groups),)}
            spec["sort"] = "newest"
        out.append(spec)
    return out


def expected_planted(size: int) -> dict[str, Any]:
    """What a search for the planted words must find (ids of documents), by query and scope.

    Planted 1-4 are published in a draft of drafting body 1; 1 exact, 2 the same sentence
    without diacritics, 3 "Quỳnh Lưu" in another sentence, 4 "Quỳnh" without "Lưu"; planted 5
    is a pending reply in a draft of drafting body 2.
    """
    first = size - len(PLANTED) + 1
    p1, p2, p3, p4, p5 = (str(first + index) for index in range(len(PLANTED)))
    return {
        "ids": [p1, p2, p3, p4, p5],
        "exact": p1,
        "folded": p2,
        "queries": [
            # (text, scope name, expected ids)
            ("Quỳnh Lưu", "public", sorted([p1, p2, p3])),
            ("quynh luu", "public", sorted([p1, p2, p3])),
            ('"bãi ngang Quỳnh Lưu"', "public", sorted([p1, p2])),
            ('"bai ngang quynh luu"', "public", sorted([p1, p2])),
            ("quỳnh", "public", sorted([p1, p2, p3, p4])),
            ("quynh luu", "body:2", sorted([p1, p2, p3, p5])),
            ("quynh luu", "body:1", sorted([p1, p2, p3])),
            ("quỳnh -xã", "public", sorted([p1, p2, p3])),
        ],
    }
