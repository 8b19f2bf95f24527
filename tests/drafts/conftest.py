"""Drafts fixtures: a parsed text built in code, a draft index and a published draft."""

import datetime
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone, translation

from drafts.importers.structure import Kind, ParsedDocument, ParsedProvision
from drafts.models import DocumentType, DraftIndexPage
from tests.conftest import require
from tests.factories import DraftingBodyFactory

REPOSITORY = Path(__file__).resolve().parents[2]
LEGAL_TEXT_DIRECTORIES = (
    Path(os.environ.get("LEGAL_TEXTS_DIR", REPOSITORY / "tests" / "fixtures" / "legal-texts")),
    REPOSITORY.parent / "shared" / "fixtures" / "legal-texts",  # ../shared beside the clone
)


def legal_text_path(name: str) -> Path:
    """A real legal text of the shared fixtures; skips on a laptop without them, fails in CI."""
    found = [folder / name for folder in LEGAL_TEXT_DIRECTORIES if (folder / name).is_file()]
    require(f"the fixture {name}", bool(found), "set LEGAL_TEXTS_DIR to the legal-texts folder")
    return found[0]


def legal_text(name: str) -> str:
    return legal_text_path(name).read_text(encoding="utf-8")


@pytest.fixture
def english() -> Iterator[None]:
    """Messages asserted by their English msgids, whatever the Vietnamese catalogue holds."""
    with translation.override("en"):
        yield


def article(num: str, heading: str, *clauses: str, points: dict[int, list[str]] | None = None):
    children = []
    for index, text in enumerate(clauses, start=1):
        eid = f"art_{num}__para_{index}"
        point_nodes = [
            ParsedProvision(Kind.POINT, letter, f"{eid}__point_{letter}", text=point)
            for letter, point in zip("abcd", (points or {}).get(index, []), strict=False)
        ]
        children.append(
            ParsedProvision(Kind.CLAUSE, str(index), eid, text=text, children=point_nodes)
        )
    return ParsedProvision(Kind.ARTICLE, num, f"art_{num}", heading=heading, children=children)


def parsed_document(*articles: ParsedProvision) -> ParsedDocument:
    return ParsedDocument(
        document_type="Quyết định",
        number="…/2026/QĐ-UBND",
        title="Ban hành Quy định về chuyển đổi số",
        issuer="ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG",
        legal_bases=["Căn cứ Luật Công nghệ thông tin ngày 29 tháng 6 năm 2006;"],
        provisions=[
            ParsedProvision(
                Kind.CHAPTER,
                "I",
                "chp_I",
                heading="QUY ĐỊNH CHUNG",
                children=list(articles)
                or [
                    article(
                        "1", "Phạm vi điều chỉnh", "Quy định này áp dụng cho cơ quan nhà nước."
                    ),
                    article(
                        "2",
                        "Dữ liệu mở",
                        "Dữ liệu được quản lý tập trung.",
                        "Các loại dữ liệu mở gồm:",
                        points={2: ["Dữ liệu thủ tục hành chính;", "Dữ liệu quy hoạch."]},
                    ),
                ],
            )
        ],
    )


@pytest.fixture
def draft_index(demo_site) -> DraftIndexPage:
    return DraftIndexPage.objects.get()


def published_draft(*, index: DraftIndexPage, parsed: ParsedDocument, slug: str):
    """A live draft open for comments (opened yesterday, closing in 40 days) with version 1."""
    from drafts.services import draft_create

    now = timezone.now()
    draft = draft_create(
        index=index,
        parsed=parsed,
        document_type=DocumentType.objects.get(code="quyet-dinh-ubnd-tinh"),
        drafting_body=DraftingBodyFactory.create(),
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=40),
        slug=slug,
    )
    draft.save_revision().publish()
    draft.refresh_from_db()
    return draft


@pytest.fixture
def open_draft(draft_index):
    return published_draft(index=draft_index, parsed=parsed_document(), slug="du-thao-thu-nghiem")
