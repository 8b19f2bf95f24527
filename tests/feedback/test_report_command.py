"""`manage.py feedback_report`: a draft's synthesis report as a file: whole or not at all."""

import io

import pytest
from django.core.management import CommandError, call_command

import feedback.report_pdf
from tests.feedback.test_report_pdf import pdf_text, poppler

pytestmark = pytest.mark.django_db


def run(*arguments: str, **options) -> str:
    out = io.StringIO()
    call_command("feedback_report", *arguments, stdout=out, **options)
    return out.getvalue()


def test_the_report_of_the_latest_version_is_written_by_id_or_slug(open_draft, english, tmp_path):
    by_id, by_slug = tmp_path / "by-id.pdf", tmp_path / "by-slug.pdf"
    progress = io.StringIO()

    said = run(str(open_draft.pk), "--output", str(by_id), verbosity=2, stderr=progress)
    run(open_draft.slug, "--version", "1", "--output", str(by_slug))

    assert "Wrote the synthesis report" in said and str(by_id) in said
    assert progress.getvalue().rstrip().endswith("100% Đã lập xong bản tổng hợp")  # in Vietnamese
    for path in (by_id, by_slug):
        info = poppler("pdfinfo", str(path))
        assert info.returncode == 0 and not info.stderr, info.stderr
        assert "Tagged:          yes" in info.stdout
        text = pdf_text(path)
        assert "BẢN TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý" in text
        assert open_draft.drafting_body.name.upper() in text
    assert sorted(path.name for path in tmp_path.iterdir()) == ["by-id.pdf", "by-slug.pdf"]


def test_the_appendix_is_added_on_request(open_draft, tmp_path):
    from tests.feedback.conftest import comment_create, respondent_create

    comment = comment_create(
        open_draft, respondent_create(email="appendix@example.com"), body="Ý kiến trong phụ lục."
    )
    path = tmp_path / "appendix.pdf"

    run(open_draft.slug, "--appendix", "--output", str(path))

    assert f"#{comment.pk} – " in pdf_text(path)


def test_an_appendix_of_more_comments_than_it_may_list_is_refused(
    open_draft, english, tmp_path, monkeypatch
):
    from feedback.services import reports
    from tests.feedback.conftest import comment_create, respondent_create

    comment_create(open_draft, respondent_create(email="many@example.com"), body="Một ý kiến.")
    monkeypatch.setattr(reports, "APPENDIX_MAX_COMMENTS", 0)
    path = tmp_path / "appendix.pdf"

    with pytest.raises(CommandError, match="The appendix lists at most 0 comments"):
        run(open_draft.slug, "--appendix", "--output", str(path))
    assert not path.exists()
    run(open_draft.slug, "--output", str(path))
    assert path.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["khong-co-du-thao"], "No draft has the id or slug 'khong-co-du-thao'."),
        (["999999"], "No draft has the id or slug '999999'."),
        (["{slug}", "--version", "7"], "has no published version 7 (published: 1)."),
    ],
)
def test_an_unknown_draft_or_version_is_refused_clearly(
    open_draft, english, tmp_path, arguments, message
):
    path = tmp_path / "report.pdf"
    arguments = [argument.format(slug=open_draft.slug) for argument in arguments]

    with pytest.raises(CommandError) as refused:
        run(*arguments, "--output", str(path))

    assert message in str(refused.value)
    assert not path.exists()


def test_a_draft_without_a_published_version_is_refused(open_draft, english, tmp_path):
    open_draft.versions.update(published_at=None)

    with pytest.raises(CommandError, match="has no published version yet"):
        run(open_draft.slug, "--output", str(tmp_path / "report.pdf"))


def test_an_unwritable_output_is_refused_before_the_report_is_made(
    open_draft, english, tmp_path, monkeypatch
):
    def never(**kwargs):
        raise AssertionError("the report was made for a file that cannot be written")

    monkeypatch.setattr(feedback.report_pdf, "report_pdf", never)

    with pytest.raises(CommandError, match="does not exist"):
        run(open_draft.slug, "--output", str(tmp_path / "missing" / "report.pdf"))
    with pytest.raises(CommandError, match="is a folder, not a file name"):
        run(open_draft.slug, "--output", str(tmp_path))


def test_a_failed_rendering_leaves_the_previous_file_and_no_partial_one(
    open_draft, tmp_path, monkeypatch
):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF- the report of last week")

    def fail(**kwargs):
        raise RuntimeError("WeasyPrint ran out of memory")

    # Inside the machine, but the only way to make a real renderer fail on demand.
    monkeypatch.setattr(feedback.report_pdf, "report_pdf", fail)

    with pytest.raises(RuntimeError, match="out of memory"):
        run(open_draft.slug, "--output", str(path))

    assert path.read_bytes() == b"%PDF- the report of last week"
    assert [entry.name for entry in tmp_path.iterdir()] == ["report.pdf"]
