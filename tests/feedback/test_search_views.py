"""Feedback search pages: what each kind of visitor finds (public page and admin), filters and
facets, sorting, shareable URLs, and bad input that never gives a 500.

Runs on the engine the settings choose: the database engine in `make test`, Elasticsearch in
`make test-services`; either way in an index of the test's own.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group

from drafts.models import DraftPage
from feedback.choices import FeedbackStatus, Province, RespondentType, Stance
from feedback.models import Feedback
from feedback.services.moderation import moderation_decide
from search.engines import get_search_engine
from search.engines.base import SearchEngine
from search.indexing import drain
from search.registry import get_index
from tests.drafts.conftest import article, parsed_document, published_draft
from tests.factories import UserFactory
from tests.feedback.conftest import (
    ROLES,
    _with_admin_access,
    admin_in_english,
    client_for,
    comment_create,
    respondent_create,
)

pytestmark = pytest.mark.django_db

PUBLIC = "/y-kien/tim-kiem/"
ADMIN = "/admin/feedback/search/"
AUTHOR_EMAIL = "tac.gia.tim@example.com"
AUTHOR_PHONE = "0905777999"


@contextmanager
def own_search_index(settings) -> Iterator[SearchEngine]:
    """The configured engine with an index prefix of this test's own, created empty and dropped
    afterwards (test runs share the Elasticsearch cluster)."""
    prefix = f"consult-test-{uuid.uuid4().hex[:10]}"
    settings.SEARCH_ENGINE = {**settings.SEARCH_ENGINE, "INDEX_PREFIX": prefix}
    get_search_engine.cache_clear()
    engine = get_search_engine()
    index = get_index("feedback")
    engine.setup(index)
    try:
        yield engine
    finally:
        drop = getattr(engine, "drop", None)  # Elasticsearch; the database's tables roll back
        if drop is not None:
            drop(index)
        get_search_engine.cache_clear()


@pytest.fixture
def search_engine(db, settings) -> Iterator[SearchEngine]:
    with own_search_index(settings) as engine:
        yield engine


def index_now() -> None:
    """What the task does after commit (tests never commit): index the outbox."""
    report = drain()
    assert not report.unavailable and not report.failed


@pytest.fixture
def world(search_engine, open_draft, drafter, moderator, draft_index):
    """Two drafts of two bodies; on each, published, held and hidden comments; one user per role.

    The text "giải phóng mặt bằng" is in every comment but one, so a search without diacritics
    shows exactly what each visitor may find.
    """
    other = published_draft(
        index=draft_index,
        parsed=parsed_document(article("1", "Phạm vi", "Quy định về thu hồi đất.")),
        slug="du-thao-thu-hoi-dat",
    )
    other_drafter = UserFactory.create(email="drafter.other.search@example.com")
    other_drafter.groups.add(_with_admin_access(other.drafting_body.drafters))
    editor = UserFactory.create(email="editor.search@example.com")
    editor.groups.add(Group.objects.get(name="Portal editors"))
    author = respondent_create(email=AUTHOR_EMAIL, phone=AUTHOR_PHONE, full_name="Phạm Tác Giả")
    citizen = respondent_create(
        email="citizen.search@example.com",
        full_name="Lê Thị Hoa",
        province=Province.HA_NOI,
        respondent_type=RespondentType.BUSINESS,
        organisation="Công ty Xây dựng Sông Hàn",
    )
    comments = {
        "a_published": comment_create(
            open_draft,
            citizen,
            eid="art_2__para_1",
            body="Đề nghị làm rõ trình tự giải phóng mặt bằng khi mở rộng hạ tầng.",
            stance=Stance.AMEND,
        ),
        "a_other_text": comment_create(
            open_draft,
            citizen,
            eid="art_1__para_1",
            body="Tôi không tán thành quy định về thu phí dữ liệu.",
            stance=Stance.DISAGREE,
        ),
        "a_held": comment_create(
            open_draft,
            author,
            eid="art_2__para_2",
            body="Giải phóng mặt bằng chậm quá, xin gọi 0905111222 để trao đổi.",
            stance=Stance.DISAGREE,
        ),
        "a_hidden": comment_create(
            open_draft,
            author,
            eid="art_2__para_2__point_a",
            body="Giải phóng mặt bằng: quảng cáo dịch vụ của chúng tôi.",
            stance=Stance.AGREE,
        ),
        "b_published": comment_create(
            other,
            author,
            eid="art_1__para_1",
            body="Việc giải phóng mặt bằng cần bồi thường thỏa đáng.",
            stance=Stance.AGREE,
        ),
        "b_held": comment_create(
            other,
            citizen,
            eid="art_1__para_1",
            body="Giải phóng mặt bằng, liên hệ 0905333444.",
            stance=Stance.AMEND,
        ),
    }
    moderation_decide(
        moderator=moderator,
        feedback_ids=[comments["a_hidden"].pk],
        action="hide",
        reason="spam",
    )
    for key, status in {
        "a_published": FeedbackStatus.PUBLISHED,
        "a_held": FeedbackStatus.PENDING,
        "a_hidden": FeedbackStatus.HIDDEN,
        "b_published": FeedbackStatus.PUBLISHED,
        "b_held": FeedbackStatus.PENDING,
    }.items():
        comments[key].refresh_from_db()
        assert comments[key].status == status, key
    index_now()
    return {
        "drafts": {"a": open_draft, "b": other},
        "comments": comments,
        "users": {
            "anonymous": None,
            "citizen": citizen,
            "author": author,
            "drafter": drafter,
            "other_drafter": other_drafter,
            "editor": editor,
            "moderator": moderator,
        },
    }


def found_ids(html: str) -> set[int]:
    """Comment numbers in the result list (public articles or admin rows)."""
    return {int(n) for n in re.findall(r'(?:id="ket-qua-|data-comment=")(\d+)"', html)}


def ids(world, *keys: str) -> set[int]:
    return {world["comments"][key].pk for key in keys}


PUBLIC_FINDS = {
    "anonymous": ("a_published", "b_published"),
    "citizen": ("a_published", "b_published"),  # b_held is theirs, but on the public draft
    "author": ("a_published", "b_published", "a_held", "a_hidden"),  # their own
    "drafter": ("a_published", "b_published", "a_held", "a_hidden"),  # all of body A
    "other_drafter": ("a_published", "b_published", "b_held"),  # all of body B
    "editor": ("a_published", "b_published"),
    "moderator": ("a_published", "b_published", "a_held", "a_hidden", "b_held"),
}
# b_held's author is the citizen: they find it too.
PUBLIC_FINDS["citizen"] = (*PUBLIC_FINDS["citizen"], "b_held")


@pytest.mark.parametrize("role", ROLES)
def test_public_search_finds_what_each_visitor_may_read(world, role):
    response = client_for(world["users"][role]).get(PUBLIC, {"q": "giai phong mat bang"})

    html = response.content.decode()
    assert response.status_code == 200
    assert found_ids(html) == ids(world, *PUBLIC_FINDS[role])
    # Never anyone's e-mail or phone, whoever looks.
    assert AUTHOR_EMAIL not in html and AUTHOR_PHONE not in html
    assert "citizen.search@example.com" not in html


ADMIN_FINDS = {
    "drafter": ("a_published", "a_held", "a_hidden"),
    "other_drafter": ("b_published", "b_held"),
    "moderator": ("a_published", "a_held", "a_hidden", "b_published", "b_held"),
}


@pytest.mark.parametrize("role", ROLES)
def test_admin_search_lists_only_the_comments_a_user_handles(world, role):
    response = client_for(world["users"][role]).get(ADMIN, {"q": "giai phong mat bang"})

    if role in ("anonymous", "citizen", "author"):
        assert response.status_code == 302  # to the sign-in page: no admin access
        return
    html = response.content.decode()
    if role == "editor":
        assert response.status_code == 403
        assert found_ids(html) == set()
        return
    assert response.status_code == 200
    assert found_ids(html) == ids(world, *ADMIN_FINDS[role])
    assert AUTHOR_EMAIL not in html and AUTHOR_PHONE not in html


def test_a_drafter_cannot_pick_another_bodys_draft(world):
    other = world["drafts"]["b"]
    response = client_for(world["users"]["drafter"]).get(ADMIN, {"du-thao": other.pk})

    assert response.status_code == 400
    assert found_ids(response.content.decode()) == set()


def test_the_public_cannot_filter_their_way_to_hidden_comments(world):
    client = client_for(None)
    for params in (
        {"trang-thai": "hidden"},  # not a filter the public has: ignored
        {"q": "quảng cáo"},
        {"du-thao": world["drafts"]["a"].pk, "dieu": "art_2__para_2"},
    ):
        html = client.get(PUBLIC, params).content.decode()
        assert world["comments"]["a_hidden"].pk not in found_ids(html)
        assert "quảng cáo dịch vụ" not in html


def test_an_unpublished_answer_stays_private_on_the_public_page(world):
    from feedback.services.dispositions import disposition_save

    comment = world["comments"]["a_published"]
    disposition_save(
        drafter=world["users"]["drafter"],
        feedback_ids=[comment.pk],
        kind="accepted",
        answer="Tiếp thu, sẽ bổ sung.",
    )
    index_now()

    public = client_for(None).get(PUBLIC, {"tiep-thu": "accepted"}).content.decode()
    admin = client_for(world["users"]["drafter"]).get(ADMIN, {"tiep-thu": "accepted"})
    assert found_ids(public) == set()
    assert found_ids(admin.content.decode()) == {comment.pk}


def test_filters_by_draft_provision_and_its_clauses_and_stance(world):
    client = client_for(world["users"]["moderator"])
    draft = world["drafts"]["a"]

    html = client.get(PUBLIC, {"du-thao": draft.pk, "dieu": "art_2"}).content.decode()
    assert found_ids(html) == ids(world, "a_published", "a_held", "a_hidden")

    html = client.get(
        PUBLIC, {"du-thao": draft.pk, "dieu": "art_2__para_2", "quan-diem": "disagree"}
    ).content.decode()
    assert found_ids(html) == ids(world, "a_held")

    html = client.get(PUBLIC, {"quan-diem": ["agree", "amend"]}).content.decode()
    assert found_ids(html) == ids(world, "a_published", "a_hidden", "b_published", "b_held")


def test_filters_by_respondent_type_province_status_and_dates(world):
    client = client_for(world["users"]["moderator"])

    html = client.get(ADMIN, {"doi-tuong": "business", "tinh": "ha-noi"}).content.decode()
    assert found_ids(html) == ids(world, "a_published", "a_other_text", "b_held")

    html = client.get(ADMIN, {"trang-thai": ["pending", "hidden"]}).content.decode()
    assert found_ids(html) == ids(world, "a_held", "a_hidden", "b_held")

    html = client.get(ADMIN, {"tu-ngay": "2000-01-01", "den-ngay": "2000-12-31"}).content.decode()
    assert found_ids(html) == set()


def test_facets_count_each_value_and_keep_the_others_of_their_own_filter(world):
    client = client_for(world["users"]["moderator"])
    html = client.get(ADMIN, {"quan-diem": "agree"}).content.decode()

    assert found_ids(html) == ids(world, "a_hidden", "b_published")
    # The stance facet still offers the other stances, with their counts.
    assert re.search(r'name="quan-diem" value="agree" checked>\s*<label[^>]*>[^<]*\(2\)', html)
    assert re.search(r'name="quan-diem" value="disagree">\s*<label[^>]*>[^<]*\(2\)', html)
    # Other facets count within the chosen stance: one hidden, one published.
    assert re.search(r'name="trang-thai" value="hidden">\s*<label[^>]*>[^<]*\(1\)', html)


def test_public_facets_are_fieldsets_with_counts(world):
    html = client_for(None).get(PUBLIC).content.decode()

    assert found_ids(html) == ids(world, "a_published", "a_other_text", "b_published")
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in html
    assert 'name="trang-thai"' not in html  # the public has no status filter
    # The draft list counts too: two published comments on A, one on B.
    for key, count in (("a", 2), ("b", 1)):
        draft = world["drafts"][key]
        assert re.search(rf'<option value="{draft.pk}">[^<]*\({count}\)</option>', html)
    assert re.search(
        r'value="agree">\s*<label[^>]*>[^<]*<span class="feedback-search__count">\(1 ', html
    )


def test_sorts(world):
    client = client_for(world["users"]["moderator"])
    a_published = world["comments"]["a_published"]
    Feedback.objects.filter(pk=a_published.pk).update(support_count=7)
    from feedback.services.common import feedback_search_enqueue

    feedback_search_enqueue(feedback_ids=[a_published.pk])
    index_now()

    newest = found_ids_in_order(client.get(ADMIN, {"sort": "newest"}).content.decode())
    supported = found_ids_in_order(client.get(ADMIN, {"sort": "supported"}).content.decode())
    assert newest == sorted(newest, reverse=True)  # created one after the other
    assert supported[0] == a_published.pk


def found_ids_in_order(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-comment="(\d+)"', html)]


def test_highlights_show_the_original_text_with_marks(world):
    html = client_for(None).get(PUBLIC, {"q": "giai phong"}).content.decode()

    assert "<mark>giải</mark> <mark>phóng</mark>" in html or "<mark>giải phóng</mark>" in html


def test_every_result_list_is_a_shareable_url(world, monkeypatch):
    monkeypatch.setattr("feedback.selectors_search.PAGE_SIZE", 1)
    client = client_for(world["users"]["moderator"])
    response = client.get(ADMIN, {"q": "giai phong", "quan-diem": "agree", "sort": "newest"})

    html = response.content.decode()
    assert len(found_ids(html)) == 1
    # The next page keeps the words, the filter and the sort; the current page is marked.
    assert re.search(r'href="\?q=giai\+phong&amp;quan-diem=agree&amp;sort=newest&amp;page=2"', html)
    assert 'aria-current="page"' in html
    page_two = client.get(
        ADMIN, {"q": "giai phong", "quan-diem": "agree", "sort": "newest", "page": "2"}
    )
    assert len(found_ids(page_two.content.decode())) == 1
    assert found_ids(page_two.content.decode()) != found_ids(html)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": '"giải phóng'}, "A quotation mark is not closed."),
        ({"q": "đ" * 600}, "The search text is too long: at most 500 characters."),
        ({"q": "****"}, "Wildcards are only allowed at the end of a word"),
        ({"q": "a* b* c*"}, "Write at least 3 letters before a “*”."),
        ({"q": "giai* phong* mat*"}, "At most 2 words may end with “*”."),
        ({"page": "10000"}, "Only the first 10.000 results can be browsed"),
    ],
)
@pytest.mark.parametrize("url", [PUBLIC, ADMIN])
def test_text_no_engine_runs_gets_a_clear_message(world, english, url, params, message):
    moderator = world["users"]["moderator"]
    admin_in_english(moderator)
    response = client_for(moderator).get("/en" + url if url == PUBLIC else url, params)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert found_ids(html) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"quan-diem": "maybe"},
        {"tinh": "atlantis"},
        {"tiep-thu": "perhaps"},
        {"du-thao": "999999"},
        {"du-thao": "abc"},
        {"phien-ban": "one"},
        {"nhom": "-1"},
        {"dieu": "art_1'; DROP TABLE"},
        {"tu-ngay": "31/02/2026"},
        {"tu-ngay": "2026-05-01", "den-ngay": "2026-04-01"},
        {"sort": "random"},
        {"tep": "maybe"},
    ],
)
@pytest.mark.parametrize("url", [PUBLIC, ADMIN])
def test_garbage_parameters_get_the_forms_message(world, url, params):
    response = client_for(world["users"]["moderator"]).get(url, params)

    html = response.content.decode()
    assert response.status_code == 400
    assert found_ids(html) == set()
    assert "help-critical" in html or "govuk-error-summary" in html


def test_a_page_beyond_the_last_says_so(world, english):
    response = client_for(None).get("/en" + PUBLIC, {"page": "40"})

    assert response.status_code == 200
    assert "This search has only 1 page." in response.content.decode()


def test_engine_down_gives_a_clear_message(world, english, settings):
    """Elasticsearch configured where nothing listens: a real connection refused."""
    settings.SEARCH_ENGINE = {
        "ENGINE": "search.engines.elasticsearch.ElasticsearchEngine",
        "URL": "http://127.0.0.1:9",
        "INDEX_PREFIX": "consult-test-down",
        "TIMEOUT": 1.0,
    }
    get_search_engine.cache_clear()
    public = client_for(None).get("/en" + PUBLIC, {"q": "giai phong"})
    admin_in_english(world["users"]["drafter"])
    admin = client_for(world["users"]["drafter"]).get(ADMIN, {"q": "giai phong"})

    for response in (public, admin):
        assert response.status_code == 503
        assert "Search is temporarily unavailable" in response.content.decode()


def test_the_comment_list_has_a_search_box_for_its_draft(world):
    draft = world["drafts"]["a"]
    html = client_for(None).get(f"/y-kien/du-thao/{draft.pk}/").content.decode()

    form = re.search(r'<form[^>]*action="/y-kien/tim-kiem/"[^>]*>.*?</form>', html, re.S)
    assert form is not None
    assert f'name="du-thao" value="{draft.pk}"' in form.group(0)
    assert 'name="q"' in form.group(0) and "<label" in form.group(0)


def test_drafters_see_the_themes_of_a_drafts_feedback(world):
    draft = world["drafts"]["a"]
    # Different comments on one theme (Elasticsearch leaves out near-identical texts).
    for body in (
        "Phương án tái định cư phải được công khai trước khi thu hồi đất.",
        "Đề nghị bố trí khu tái định cư gần nơi ở cũ để người dân ổn định cuộc sống.",
        "Chất lượng nhà tái định cư hiện nay chưa bảo đảm, cần kiểm tra kỹ.",
        "Hộ gia đình chưa nhận tiền bồi thường thì chưa phải chuyển đến nơi tái định cư.",
    ):
        comment_create(draft, world["users"]["citizen"], eid="art_2__para_1", body=body)
    index_now()
    response = client_for(world["users"]["drafter"]).get(
        ADMIN, {"du-thao": draft.pk, "dieu": "art_2"}
    )

    html = response.content.decode()
    themes = re.search(r'<section aria-labelledby="themes-title".*?</section>', html, re.S)
    assert themes is not None
    # Each theme links to this search with the theme as its words.
    phrase = "%22t%C3%A1i\\+%C4%91%E1%BB%8Bnh\\+c%C6%B0%22"  # "tái định cư", quoted
    link = rf'<a href="\?du-thao={draft.pk}&amp;dieu=art_2&amp;q={phrase}">tái định cư</a>'
    assert re.search(link, themes.group(0))


def test_ticked_results_go_to_the_answer_form(world):
    html = client_for(world["users"]["drafter"]).get(ADMIN, {"q": "giai phong"}).content.decode()

    form = re.search(
        r'<form method="get" action="/admin/feedback/answers/new/">.*?</form>', html, re.S
    )
    assert form is not None
    for pk in ids(world, "a_published", "a_held"):
        assert f'name="id" value="{pk}"' in form.group(0)


def test_the_admin_menu_offers_search_to_feedback_staff(world):
    html = client_for(world["users"]["drafter"]).get("/admin/").content.decode()
    assert ADMIN in html
    html = client_for(world["users"]["editor"]).get("/admin/").content.decode()
    assert ADMIN not in html


def test_only_live_drafts_on_the_public_page(world):
    draft = world["drafts"]["b"]
    DraftPage.objects.get(pk=draft.pk).unpublish()

    html = client_for(None).get(PUBLIC, {"q": "giai phong mat bang"}).content.decode()
    assert found_ids(html) == ids(world, "a_published")


FORM_LETTER = (
    "Kính gửi Sở Thông tin và Truyền thông. Tôi đề nghị giữ nguyên mức hỗ trợ giải phóng mặt "
    "bằng cho các hộ dân bị ảnh hưởng bởi dự án mở rộng đường, vì mức mới quá thấp so với giá "
    "thị trường và không đủ để tái định cư. Trân trọng, {name}."
)


@pytest.fixture
def campaign(world):
    """Three citizens send the same letter (with their own names) on draft A; one is hidden."""
    from feedback.duplicates import duplicate_group_assign

    draft = world["drafts"]["a"]
    letters = [
        comment_create(
            draft,
            respondent_create(email=f"letter{n}@example.com", full_name=name),
            eid="art_2__para_1",
            body=FORM_LETTER.format(name=name),
            stance=Stance.DISAGREE,
        )
        for n, name in enumerate(("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Võ Spam"))
    ]
    moderation_decide(
        moderator=world["users"]["moderator"],
        feedback_ids=[letters[-1].pk],
        action="hide",
        reason="duplicate",
    )
    for letter in letters:
        duplicate_group_assign(feedback_id=letter.pk)
    index_now()
    group = Feedback.objects.get(pk=letters[0].pk).duplicate_group
    assert group is not None and group.size == 4
    return {"letters": letters, "group": group}


def test_a_duplicate_group_is_a_facet_a_drafter_can_answer_at_once(world, campaign):
    group, letters = campaign["group"], campaign["letters"]
    client = client_for(world["users"]["drafter"])

    html = client.get(ADMIN, {"q": "giu nguyen muc ho tro"}).content.decode()
    row = re.search(rf'<tr data-group="{group.pk}">.*?</tr>', html, re.S)
    assert row is not None
    assert ">4</td>" in row.group(0)  # the four letters found, the hidden one too (staff)
    assert f'href="/admin/feedback/groups/{group.pk}/answer/"' in row.group(0)

    html = client.get(ADMIN, {"nhom": group.pk}).content.decode()
    assert found_ids(html) == {letter.pk for letter in letters}

    page = client.get(f"/admin/feedback/groups/{group.pk}/answer/")
    assert page.status_code == 200
    assert "giữ nguyên mức hỗ trợ" in page.content.decode()
    response = client.post(
        f"/admin/feedback/groups/{group.pk}/answer/",
        {"kind": "explained", "answer": "Mức hỗ trợ mới căn cứ Nghị định 88/2024/NĐ-CP."},
    )
    assert response.status_code == 302
    answered = Feedback.objects.filter(pk__in=[letter.pk for letter in letters])
    dispositions = {comment.pk: comment.disposition_id for comment in answered}
    assert dispositions[letters[-1].pk] is None  # the hidden letter is not answered
    shown = {dispositions[letter.pk] for letter in letters[:-1]}
    assert len(shown) == 1 and None not in shown

    index_now()
    html = client.get(ADMIN, {"nhom": group.pk, "tiep-thu": "explained"}).content.decode()
    assert found_ids(html) == {letter.pk for letter in letters[:-1]}


@pytest.mark.parametrize(
    ("role", "status"),
    [("other_drafter", 404), ("editor", 403), ("moderator", 403), ("citizen", 302)],
)
def test_only_the_drafts_own_drafters_answer_its_groups(world, campaign, role, status):
    group = campaign["group"]
    client = client_for(world["users"][role])

    response = client.post(
        f"/admin/feedback/groups/{group.pk}/answer/", {"kind": "accepted", "answer": "Tiếp thu."}
    )
    assert response.status_code == status
    assert not Feedback.objects.filter(duplicate_group=group, disposition__isnull=False).exists()


def test_the_public_sees_a_group_only_through_its_published_letters(world, campaign):
    group, letters = campaign["group"], campaign["letters"]

    html = client_for(None).get(PUBLIC, {"nhom": group.pk}).content.decode()
    assert found_ids(html) == {letter.pk for letter in letters[:-1]}
    assert "Võ Spam" not in html
