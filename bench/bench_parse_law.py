"""Seconds to parse a 120-article law: the .txt and the .docx import paths, in-process.

A law of 120 articles (8 chapters, some with sections, 2-6 clauses per article, points under
some clauses, the header block, the legal bases, the enacting sentence and the closing) is
generated deterministically by :func:`law_text`, so every run parses the same text. Rounds
time, interleaved: the baseline (a bare pass over the lines), ``parse_text`` on the text, and
``parse_upload("law.txt", bytes)`` (the upload path: size and type checks, decoding, NFC, then
the parser). A second result times ``parse_upload("law.docx", ...)`` on the law exported by
``docx_export``, against python-docx's own load of the same file.

``law_text`` is also used by ``bench_draft_page`` for its 300-article draft.
"""

from __future__ import annotations

import gc
import os
import random
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from harness import Baseline, BenchmarkError, Context, Result, median

BUDGET_S = 90.0
QUICK_BUDGET_S = 28.0

ARTICLES = 120
TARGET_S = 1.0
# A real law kept beside the project for tests (shared/, next to the checkout): parsed too, as
# a check that the generated text costs the parser what a real one does per article.
REAL_LAW = Path("/work/shared/fixtures/legal-texts/67_2006_QH11.txt")

# The law's text -----------------------------------------------------------------------------

LAW_NUMBER = "99/2026/QH15"
LAW_TITLE = "CHUYỂN ĐỔI SỐ"

_CHAPTER_TITLES = [
    "NHỮNG QUY ĐỊNH CHUNG",
    "HẠ TẦNG SỐ VÀ NỀN TẢNG SỐ",
    "DỮ LIỆU SỐ VÀ CƠ SỞ DỮ LIỆU QUỐC GIA",
    "CHÍNH QUYỀN SỐ VÀ DỊCH VỤ CÔNG TRỰC TUYẾN",
    "KINH TẾ SỐ VÀ DOANH NGHIỆP CÔNG NGHỆ SỐ",
    "XÃ HỘI SỐ VÀ KỸ NĂNG SỐ",
    "AN TOÀN, AN NINH MẠNG TRONG CHUYỂN ĐỔI SỐ",
    "NGUỒN LỰC BẢO ĐẢM CHUYỂN ĐỔI SỐ",
    "THANH TRA, KIỂM TRA VÀ GIẢI QUYẾT TRANH CHẤP",
    "HỢP TÁC QUỐC TẾ VỀ CHUYỂN ĐỔI SỐ",
    "TRÁCH NHIỆM QUẢN LÝ NHÀ NƯỚC",
]
_LAST_CHAPTER = "ĐIỀU KHOẢN THI HÀNH"
_SECTION_TITLES = [
    "QUY ĐỊNH CHUNG",
    "QUẢN LÝ, VẬN HÀNH VÀ KHAI THÁC",
    "BẢO ĐẢM CHẤT LƯỢNG VÀ AN TOÀN",
]
_FIRST_HEADINGS = [
    "Phạm vi điều chỉnh",
    "Đối tượng áp dụng",
    "Giải thích từ ngữ",
    "Nguyên tắc chuyển đổi số",
    "Chính sách của Nhà nước về chuyển đổi số",
    "Các hành vi bị nghiêm cấm",
]
_LAST_HEADINGS = ["Hiệu lực thi hành", "Quy định chi tiết và hướng dẫn thi hành"]
_HEADING_FORMS = [
    "Trách nhiệm của {actor} trong {activity}",
    "Quyền và nghĩa vụ của {actor}",
    "Điều kiện {activity}",
    "Hồ sơ, trình tự, thủ tục {activity}",
    "Quản lý nhà nước về {activity}",
    "Yêu cầu đối với {activity}",
    "Chính sách hỗ trợ {activity}",
    "Kiểm tra, giám sát {activity}",
]
_ACTORS = [
    "cơ quan nhà nước",
    "Bộ Khoa học và Công nghệ",
    "Ủy ban nhân dân cấp tỉnh",
    "tổ chức, cá nhân",
    "doanh nghiệp công nghệ số",
    "chủ quản nền tảng số",
    "đơn vị sự nghiệp công lập",
    "cơ quan chủ quản hệ thống thông tin",
]
_ACTIVITIES = [
    "cung cấp dịch vụ công trực tuyến",
    "xây dựng cơ sở dữ liệu dùng chung",
    "kết nối, chia sẻ dữ liệu số",
    "phát triển nền tảng số quốc gia",
    "bảo đảm an toàn thông tin mạng",
    "đào tạo, bồi dưỡng kỹ năng số",
    "thuê dịch vụ công nghệ thông tin",
    "lưu trữ và khai thác hồ sơ điện tử",
    "định danh và xác thực điện tử",
    "số hóa hồ sơ, giấy tờ",
]
_VERBS = [
    "xây dựng, ban hành và tổ chức thực hiện",
    "hướng dẫn, kiểm tra việc thực hiện",
    "bố trí kinh phí và nguồn nhân lực cho",
    "công khai thông tin về",
    "định kỳ đánh giá, báo cáo kết quả",
    "phối hợp với cơ quan có liên quan trong",
    "bảo đảm điều kiện kỹ thuật cho",
]
_QUALIFIERS = [
    "theo quy định của Luật này và pháp luật có liên quan",
    "bảo đảm công khai, minh bạch, thuận tiện cho người dân và doanh nghiệp",
    "phù hợp với chiến lược, quy hoạch phát triển kinh tế - xã hội",
    "trong phạm vi nhiệm vụ, quyền hạn được giao",
    "trên cơ sở tiêu chuẩn, quy chuẩn kỹ thuật quốc gia",
    "bảo đảm quyền và lợi ích hợp pháp của tổ chức, cá nhân",
]
_POINT_OBJECTS = [
    "hồ sơ đề nghị theo mẫu do Bộ trưởng Bộ Khoa học và Công nghệ quy định",
    "phương án bảo đảm an toàn hệ thống thông tin theo cấp độ",
    "kế hoạch kết nối, chia sẻ dữ liệu với cơ sở dữ liệu quốc gia",
    "danh mục dịch vụ công trực tuyến toàn trình",
    "báo cáo đánh giá tác động đối với người sử dụng",
    "biện pháp bảo vệ dữ liệu cá nhân của người sử dụng dịch vụ",
    "cam kết tuân thủ quy định về lưu trữ dữ liệu tại Việt Nam",
    "tài liệu kỹ thuật mô tả kiến trúc và giao diện kết nối",
]
_POINT_LETTERS = ["a", "b", "c", "d", "đ", "e"]


def _roman(number: int) -> str:
    values = [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX")]
    values += [(5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def _sentence(rng: random.Random) -> str:
    actor = rng.choice(_ACTORS)
    text = f"{actor[0].upper()}{actor[1:]} có trách nhiệm {rng.choice(_VERBS)} "
    text += f"{rng.choice(_ACTIVITIES)} {rng.choice(_QUALIFIERS)}"
    if rng.random() < 0.5:
        text += f"; {rng.choice(_VERBS)} {rng.choice(_ACTIVITIES)} {rng.choice(_QUALIFIERS)}"
    return text


def _article(number: int, heading: str, rng: random.Random) -> list[str]:
    lines = [f"Điều {number}. {heading}"]
    for clause in range(1, rng.randint(2, 6) + 1):
        if rng.random() < 0.2:
            lines.append(f"{clause}. {_sentence(rng)}, bao gồm:")
            points = _POINT_LETTERS[: rng.randint(3, 6)]
            for index, letter in enumerate(points):
                end = "." if index == len(points) - 1 else ";"
                lines.append(
                    f"{letter}) {rng.choice(_POINT_OBJECTS)} {rng.choice(_QUALIFIERS)}{end}"
                )
        else:
            lines.append(f"{clause}. {_sentence(rng)}.")
    return lines


def law_text(articles: int = ARTICLES, *, chapters: int | None = None, seed: int = 2026) -> str:
    """A Vietnamese law of ``articles`` articles, the same for the same arguments.

    The header block (issuer, national motto, number, place and date, type, title), a legal
    basis and the enacting sentence; ``chapters`` chapters (default: one per 15 articles, at
    least 2) with the articles spread evenly, every other chapter from the second split into
    sections (Mục); each article has a heading and 2-6 clauses, about a fifth of which
    introduce 3-6 points; then the formula of adoption and the signature.
    """
    if articles < 4:
        raise ValueError("a law of fewer than 4 articles has no chapters")
    chapters = chapters or max(2, round(articles / 15))
    rng = random.Random(seed)
    lines = [
        "QUỐC HỘI",
        "--------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
        f"Luật số: {LAW_NUMBER}",
        "Hà Nội, ngày 25 tháng 6 năm 2026",
        "LUẬT",
        LAW_TITLE,
        "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;",
        f"Quốc hội ban hành Luật {LAW_TITLE.capitalize()}.",
    ]
    per_chapter = [articles // chapters + (i < articles % chapters) for i in range(chapters)]
    number = 0
    for chapter, count in enumerate(per_chapter, start=1):
        last_chapter = chapter == chapters
        title = _LAST_CHAPTER if last_chapter else _CHAPTER_TITLES[(chapter - 1) % 11]
        lines += [f"Chương {_roman(chapter)}", title]
        sections = 3 if chapter % 2 == 0 and count >= 6 and not last_chapter else 0
        starts = {1 + i * count // sections: i + 1 for i in range(sections)} if sections else {}
        for position in range(1, count + 1):
            if position in starts:
                section = starts[position]
                lines += [f"Mục {section}", _SECTION_TITLES[section - 1]]
            number += 1
            if number <= len(_FIRST_HEADINGS):
                heading = _FIRST_HEADINGS[number - 1]
            elif last_chapter and articles - number < len(_LAST_HEADINGS):
                heading = _LAST_HEADINGS[len(_LAST_HEADINGS) - 1 - (articles - number)]
            else:
                form = rng.choice(_HEADING_FORMS)
                heading = form.format(actor=rng.choice(_ACTORS), activity=rng.choice(_ACTIVITIES))
            lines += _article(number, heading, rng)
    lines += [
        "Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 11"
        " thông qua ngày 25 tháng 6 năm 2026.",
        "CHỦ TỊCH QUỐC HỘI",
        "Nguyễn Văn An",
    ]
    return "\n".join(lines) + "\n"


# Measuring ----------------------------------------------------------------------------------


def django_setup(root: Path) -> None:
    """Import the project in this process (development settings; no database is touched)."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consult.settings.dev")
    import django

    django.setup()


def article_count(document: Any) -> int:
    from drafts.importers.structure import Kind

    return sum(1 for provision in document.walk() if provision.kind is Kind.ARTICLE)


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


_SPACES = re.compile(r"\s+")


def floor_pass(text: str) -> list[str]:
    """The least any line-by-line reader of the text does: split, NFC and tidy each line."""
    return [
        _SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip() for line in text.splitlines()
    ]


def _check(document: Any, expected: int, what: str) -> None:
    found = article_count(document)
    if found != expected:
        raise BenchmarkError(f"{what}: {found} articles parsed, {expected} expected")


def _ms(values: list[float]) -> list[float]:
    return [round(x * 1000, 2) for x in values]


def _real_law_text() -> str | None:
    return REAL_LAW.read_text(encoding="utf-8") if REAL_LAW.is_file() else None


def _real_law(text: str | None, times: list[float], document: Any) -> dict[str, Any]:
    """The realism check's figures: the real law's parse time per article and per kB."""
    if text is None or document is None:
        return {"file": str(REAL_LAW), "skipped": "not found"}
    found = article_count(document)
    size = len(text.encode())
    return {
        "file": REAL_LAW.name,
        "articles": found,
        "bytes": size,
        "lines": text.count("\n"),
        "parse_text_ms": _ms(times),
        "median_ms": round(median(times) * 1000, 2),
        "ms_per_article": round(median(times) * 1000 / max(found, 1), 3),
        "us_per_kb": round(median(times) * 1e6 / (size / 1024), 1),
        "warnings": len(document.warnings),
    }


METHOD_TXT = f"""\
In-process (`consult.settings.dev`, no database), on a law of {ARTICLES} articles generated
deterministically by `law_text()` in `bench/bench_parse_law.py`: the header block (QUỐC HỘI,
national motto, "Luật số: {LAW_NUMBER}", place and date, LUẬT and the title), a legal basis
and the enacting sentence, 8 chapters (Chương I-VIII, every other one from II split into
3 Mục), each article "Điều N. Heading" with 2-6 clauses, about 20 % of them introducing 3-6
points (a) ... e), đ) included), then the formula of adoption and the signature. Rounds,
interleaved: the baseline, `drafts.importers.text.parse_text(text)`, and
`drafts.importers.parse_upload("law.txt", bytes)` (the upload path: checks, UTF-8 decoding,
NFC, then the parser), each after a `gc.collect()`; every parse must give exactly
{ARTICLES} articles or the run fails. Value: median seconds of `parse_text`; the upload path's
median is in details. The real Luật Công nghệ thông tin 67/2006/QH11 (79 articles, from
shared/fixtures) is parsed in the same rounds when present, as a realism check (ms per
article and µs per kB of text, in details).

Baseline: the least any line-based reader does with the same text: `splitlines()`, then
`unicodedata.normalize("NFC", line)`, a whitespace collapse and `strip()` on each line, in
plain Python with the standard library only (no project code, so it does not move with the
parser). `ratio` is how many such bare passes one parse costs."""

METHOD_DOCX = f"""\
The same {ARTICLES}-article law, parsed once and written to .docx by
`drafts.importers.docx.docx_export` (the portal's own export, as a drafter would download and
upload it again); rounds, interleaved after a `gc.collect()` each: the baseline, then
`drafts.importers.parse_upload("law.docx", data)` (zip-bomb and DTD checks, python-docx load,
the paragraph reader, the parser), which must give exactly {ARTICLES} articles. Value: median
seconds.

Baseline: `docx.Document(BytesIO(data))`, python-docx loading the same file, which any .docx
import has to pay; `ratio` is the import's cost in such loads."""


def run(ctx: Context) -> list[Result]:
    django_setup(ctx.root)
    import docx

    from drafts.importers import parse_upload
    from drafts.importers.docx import docx_export
    from drafts.importers.text import parse_text

    rounds = 5 if ctx.quick else 15
    text = law_text(ARTICLES)
    data = text.encode("utf-8")
    parsed = parse_text(text)  # warm-up: imports, compiled patterns, translations
    _check(parsed, ARTICLES, "parse_text")
    _check(parse_upload("law.txt", data), ARTICLES, "parse_upload .txt")
    ctx.log(f"law: {len(data)} bytes, {text.count(chr(10))} lines, {ARTICLES} articles")

    base_s: list[float] = []
    text_s: list[float] = []
    upload_s: list[float] = []
    real_text = _real_law_text()
    real_s: list[float] = []
    real_document: Any = None
    for index in range(rounds):
        if index > 0:
            ctx.require(4 * max(text_s + upload_s) + 15, "the next .txt round")
        seconds, _ = _timed(lambda: floor_pass(text))
        base_s.append(seconds)
        seconds, document = _timed(lambda: parse_text(text))
        _check(document, ARTICLES, "parse_text")
        text_s.append(seconds)
        seconds, document = _timed(lambda: parse_upload("law.txt", data))
        _check(document, ARTICLES, "parse_upload .txt")
        upload_s.append(seconds)
        if real_text is not None:
            seconds, real_document = _timed(lambda: parse_text(real_text))
            real_s.append(seconds)
    ctx.log(
        f".txt: parse_text {median(text_s) * 1000:.1f} ms, parse_upload "
        f"{median(upload_s) * 1000:.1f} ms, baseline {median(base_s) * 1000:.2f} ms"
    )
    real = _real_law(real_text, real_s, real_document)

    export_s, docx_data = _timed(lambda: docx_export(parsed))
    assert isinstance(docx_data, bytes)  # noqa: S101  (docx_export returns bytes)
    _check(parse_upload("law.docx", docx_data), ARTICLES, "parse_upload .docx")  # warm-up
    load_s: list[float] = []
    docx_s: list[float] = []
    for index in range(rounds):
        if index > 0:
            ctx.require(2 * max(docx_s) + 3, "the next .docx round")
        seconds, _ = _timed(lambda: docx.Document(BytesIO(docx_data)))
        load_s.append(seconds)
        seconds, document = _timed(lambda: parse_upload("law.docx", docx_data))
        _check(document, ARTICLES, "parse_upload .docx")
        docx_s.append(seconds)
    ctx.log(f".docx: {median(docx_s) * 1000:.1f} ms, baseline {median(load_s) * 1000:.1f} ms")

    per_article_ms = median(text_s) * 1000 / ARTICLES
    per_kb_us = median(text_s) * 1e6 / (len(data) / 1024)
    law = {
        "articles": ARTICLES,
        "provisions": sum(1 for _ in parsed.walk()),
        "bytes": len(data),
        "lines": text.count("\n"),
    }
    txt_ratios = [t / b for t, b in zip(text_s, base_s, strict=True)]
    docx_ratios = [d / b for d, b in zip(docx_s, load_s, strict=True)]
    return [
        Result(
            name="parse_law_seconds",
            value=round(median(text_s), 5),
            unit="s",
            target=TARGET_S,
            better="lower",
            baseline=Baseline(
                name="split + NFC + whitespace per line (stdlib)",
                value=round(median(base_s), 6),
                unit="s",
            ),
            samples=[round(x, 5) for x in text_s],
            details={
                "law": law,
                "parse_warnings": parsed.warnings[:5],
                "rounds": len(text_s),
                "parse_text_ms": _ms(text_s),
                "parse_upload_txt_ms": _ms(upload_s),
                "parse_upload_txt_median_s": round(median(upload_s), 5),
                "baseline_ms": _ms(base_s),
                "ratio_per_round": [round(x, 2) for x in txt_ratios],
                "ms_per_article": round(per_article_ms, 3),
                "us_per_kb": round(per_kb_us, 1),
                "real_law": real,
            },
            method=METHOD_TXT,
            note=(
                f"{ARTICLES} articles ({law['bytes']:,} bytes, {law['provisions']} provisions): "
                f"parse_text {median(text_s) * 1000:.1f} ms (stdev "
                f"{statistics.pstdev(text_s) * 1000:.1f}), parse_upload .txt "
                f"{median(upload_s) * 1000:.1f} ms, baseline {median(base_s) * 1000:.2f} ms; "
                f"{per_article_ms:.2f} ms per article, {per_kb_us:.0f} µs per kB"
                + (
                    f" (real law 67/2006/QH11: {real['ms_per_article']:.2f} ms per article, "
                    f"{real['us_per_kb']:.0f} µs per kB)."
                    if "ms_per_article" in real
                    else "."
                )
            ),
        ),
        Result(
            name="parse_law_docx_seconds",
            value=round(median(docx_s), 5),
            unit="s",
            target=TARGET_S,
            better="lower",
            baseline=Baseline(
                name="python-docx Document() load of the same file",
                value=round(median(load_s), 5),
                unit="s",
            ),
            samples=[round(x, 5) for x in docx_s],
            details={
                "law": law,
                "docx_bytes": len(docx_data),
                "docx_export_s": round(export_s, 4),
                "rounds": len(docx_s),
                "baseline_ms": _ms(load_s),
                "ratio_per_round": [round(x, 3) for x in docx_ratios],
            },
            method=METHOD_DOCX,
            note=(
                f"{ARTICLES} articles as a {len(docx_data) / 1024:.0f} kB .docx: parse_upload "
                f"{median(docx_s) * 1000:.1f} ms, python-docx load {median(load_s) * 1000:.1f} "
                f"ms (docx_export took {export_s * 1000:.0f} ms, not measured)."
            ),
        ),
    ]
