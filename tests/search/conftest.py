"""The contract index: a small registered SearchIndex, Vietnamese documents, and each engine.

The documents are comments of the kind the platform receives (Luật Đất đai, Luật Công nghệ
thông tin), written so that every rule of the contract has a document that obeys it and one
that does not: "đất đai" as written, without diacritics ("dat dai") and as other words that
fold the same way ("đạt", "đài"); "mặt" and "bằng" next to each other and apart; a planted
theme ("tái định cư") in one group only; a form letter sent twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from elasticsearch_dsl import Date, Document, Integer, Keyword

from search.analysis import vietnamese_text
from search.engines.base import SearchEngine
from search.registry import SearchIndex, register
from tests.conftest import require_service_url

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


class ContractDocument(Document):
    """The Elasticsearch mapping of the contract index (the database engine reads the
    SearchIndex declaration below; the Document matters to Elasticsearch only)."""

    id = Keyword()
    title = vietnamese_text()
    body = vietnamese_text(themes=True)
    kind = Keyword()
    tags = Keyword(multi=True)
    group = Keyword()
    created = Date(default_timezone="UTC")
    support = Integer()
    stamp = Keyword()


def _at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=HCM)


def doc(
    id: str,
    *,
    title: str,
    body: str,
    kind: str,
    tags: list[str],
    group: str,
    created: dt.datetime,
    support: int = 0,
) -> dict[str, object]:
    return {
        "id": id,
        "title": title,
        "body": body,
        "kind": kind,
        "tags": tags,
        "group": group,
        "created": created,
        "support": support,
        "stamp": f"{id}-v1",
    }


DOCUMENTS: list[dict[str, object]] = [
    doc(
        "01",
        title="Thời hạn giải phóng mặt bằng",
        body="Đề nghị quy định rõ thời hạn giải phóng mặt bằng và mức bồi thường khi Nhà nước "
        "thu hồi đất để thực hiện dự án.",
        kind="amend",
        tags=["đất đai", "bồi thường"],
        group="g1",
        created=_at("2025-03-03"),
        support=12,
    ),
    doc(
        "02",
        title="Công khai thông tin đất đai",
        body="Cơ quan quản lý đất đai cần công khai quy hoạch sử dụng đất trên cổng thông tin "
        "điện tử của tỉnh.",
        kind="agree",
        tags=["đất đai"],
        group="g2",
        created=_at("2025-03-02", "10:00"),
        support=3,
    ),
    doc(
        "03",
        title="Y kien ve dat dai",
        body="Toi de nghi bo sung quy dinh ve dat dai o nong thon de nguoi dan de theo doi.",
        kind="disagree",
        tags=["đất đai"],
        group="g1",
        created=_at("2025-03-01", "23:30"),
        support=7,
    ),
    doc(
        "04",
        title="Chuyển đổi số",
        body="Đề nghị bổ sung quy định về chuyển đổi số và chữ ký số trong giao dịch điện tử.",
        kind="amend",
        tags=["công nghệ thông tin"],
        group="g2",
        created=_at("2025-03-02", "00:30"),
        support=3,
    ),
    doc(
        "05",
        title="Đường giao thông nông thôn",
        body="Mặt đường giao thông nông thôn phải được làm bằng bê tông ở mọi địa phương.",
        kind="agree",
        tags=["giao thông"],
        group="g3",
        created=_at("2025-02-27", "08:00"),
    ),
    doc(
        "06",
        title="Chỉ tiêu tuyên truyền",
        body="Đài phát thanh huyện đạt chỉ tiêu tuyên truyền pháp luật trong năm.",
        kind="disagree",
        tags=["tuyên truyền"],
        group="g3",
        created=_at("2025-02-28", "15:00"),
        support=1,
    ),
    doc(
        "07",
        title="Về thẻ <script> trong biểu mẫu",
        body="Biểu mẫu góp ý phải từ chối thẻ <script>alert(1)</script> & các ký tự đặc biệt.",
        kind="agree",
        tags=["công nghệ thông tin"],
        group="g3",
        created=_at("2025-03-04", "11:00"),
    ),
    doc(
        "08",
        title="Trường học ở khu mới",
        body="Khu tái định cư phải có đủ trường học và trạm y tế trước khi người dân chuyển đến.",
        kind="amend",
        tags=["tái định cư"],
        group="g4",
        created=_at("2025-02-21"),
        support=2,
    ),
    doc(
        "09",
        title="Bố trí tại chỗ",
        body="Đề nghị bố trí tái định cư tại chỗ cho các hộ bị thu hồi đất ở.",
        kind="amend",
        tags=["tái định cư"],
        group="g4",
        created=_at("2025-02-22"),
        support=4,
    ),
    doc(
        "10",
        title="Giá bồi thường",
        body="Giá đất tính bồi thường tái định cư cần sát giá thị trường.",
        kind="amend",
        tags=["tái định cư", "bồi thường"],
        group="g4",
        created=_at("2025-02-23"),
        support=5,
    ),
    doc(
        "11",
        title="Hỗ trợ nghề nghiệp",
        body="Người dân tái định cư cần được hỗ trợ chuyển đổi nghề nghiệp.",
        kind="agree",
        tags=["tái định cư"],
        group="g4",
        created=_at("2025-02-24", "10:00"),
    ),
    doc(
        "12",
        title="Chất lượng nhà ở",
        body="Chất lượng nhà tái định cư tại dự án cũ chưa bảo đảm.",
        kind="disagree",
        tags=["tái định cư"],
        group="g4",
        created=_at("2025-02-24", "10:00"),
    ),
    doc(
        "13",
        title="Giữ nguyên mức phí",
        body="Chúng tôi đề nghị giữ nguyên mức phí cấp giấy chứng nhận như hiện hành.",
        kind="disagree",
        tags=["phí"],
        group="g5",
        created=_at("2025-03-05", "08:00"),
        support=9,
    ),
    doc(
        "14",
        title="Giữ nguyên mức phí",
        body="Chúng tôi đề nghị giữ nguyên mức phí cấp giấy chứng nhận như hiện hành.",
        kind="disagree",
        tags=["phí"],
        group="g5",
        created=_at("2025-03-06", "08:00"),
        support=9,
    ),
]
BY_ID = {str(d["id"]): d for d in DOCUMENTS}


def _build(ids: object) -> list[dict[str, object]]:
    return [BY_ID[i] for i in ids if i in BY_ID]  # type: ignore[attr-defined]


CONTRACT = register(
    SearchIndex(
        name="contract",
        document=ContractDocument,
        text_fields={"title": 3, "body": 1},
        keyword_fields=frozenset({"kind", "tags", "group"}),
        date_field="created",
        build=_build,
        all_ids=lambda: iter(BY_ID),
        stamps=lambda: ((i, str(d["stamp"])) for i, d in BY_ID.items()),
        sort_fields={"supported": "support"},
        stored_fields=("title", "kind", "tags", "support"),
        batch_size=5,  # several batches even for these few documents
    )
)

ENGINES = [
    pytest.param("database", id="database"),
    pytest.param("elasticsearch", id="elasticsearch", marks=pytest.mark.services),
]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, db: None) -> Iterator[SearchEngine]:
    """Each engine, built directly with a test-only prefix. The database engine runs on the
    test run's database (SQLite, or PostgreSQL under make test-services). ``db`` is asked for
    by name: pytest-django sets up the test database only for fixtures it sees at collection,
    and getfixturevalue("db") would reach the development database instead."""
    if request.param == "database":
        from search.engines.database import DatabaseEngine

        yield DatabaseEngine(index_prefix="contract-test")
        return
    url = require_service_url("ELASTICSEARCH_URL", "Elasticsearch for the contract suite")
    # Imported here, so the database runs work whatever state that engine is in.
    from search.engines.elasticsearch import ElasticsearchEngine

    engine = ElasticsearchEngine(url=url, index_prefix=f"contract-test-{uuid.uuid4().hex[:8]}")
    yield engine
    engine.drop(CONTRACT)


@pytest.fixture
def indexed(engine: SearchEngine) -> SearchEngine:
    engine.index_documents(CONTRACT, DOCUMENTS)
    return engine
