"""Headings: whether the text after a provision's label, or the next line, is its heading."""

from __future__ import annotations

from dataclasses import dataclass

from .labels import CLAUSE_LABEL, POINT_LABEL, match_article, match_container
from .lines import ends_sentence, final_char, is_table_row, is_upper, strip_period
from .quotations import QUOTES
from .structure import Kind, ParsedProvision, SourceLine


@dataclass
class PendingHeading:
    """A provision whose heading may be on the next line(s)."""

    provision: ParsedProvision
    lines: int = 0

    def take(self, line: SourceLine) -> bool:
        """Whether the line is (the rest of) the heading of the provision just opened; an
        article's heading is one line, its PendingHeading is dropped after that line."""
        text = line.text
        if (
            is_table_row(text)
            or text[0] in QUOTES + "-+•*"
            or match_container(text)
            or match_article(text)
            or CLAUSE_LABEL.match(text)
            or POINT_LABEL.match(text)
        ):
            return False
        provision = self.provision
        if provision.kind is Kind.ARTICLE:
            # Constitution style: "Điều 1" alone, then its body, a sentence.
            short = len(text) <= 200 or (line.bold and len(text) <= 300)
            if short and (not ends_sentence(text) or line.bold) and not text.endswith(":"):
                provision.heading = strip_period(text)
                return True
            return False
        if not provision.heading:
            heading_like = is_upper(text) or (not ends_sentence(text) and len(text) <= 200)
            hinted = line.bold or line.centered or line.heading_level is not None
            if heading_like or (hinted and len(text) <= 300):
                provision.heading = strip_period(text)
                self.lines = 1
                return True
            return False
        # A title in capitals broken over lines: "BIỆN PHÁP BẢO ĐẢM ỨNG DỤNG" / "VÀ PHÁT TRIỂN".
        # Nothing but a container or an article can follow a title: a capitalised line that is
        # neither continues it, even "CHỦ TỊCH ỦY BAN NHÂN DÂN" which elsewhere is a signature.
        if self.lines < 4 and is_upper(provision.heading) and is_upper(text):
            provision.heading = strip_period(f"{provision.heading} {text}")
            self.lines += 1
            return True
        return False


def is_article_heading(rest: str, line: SourceLine, following: str) -> bool:
    """Whether the text after "Điều N." is its heading rather than its body."""
    if not ends_sentence(rest):
        return len(rest) <= 300 or line.bold
    if line.bold and len(rest) <= 300:
        return True
    # "Điều 3. Đối tượng áp dụng." followed by its clauses: a heading with a stray period.
    return (
        final_char(rest) == "."
        and rest.endswith(".")
        and not rest.endswith("./.")
        and len(rest) <= 120
        and bool(CLAUSE_LABEL.match(following) or POINT_LABEL.match(following))
    )
