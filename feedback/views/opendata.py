"""Views: a draft's published comments and answers as open data (CSV, XLSX, JSON) for anyone."""

from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..exports import CONTENT_TYPES, open_data_filename, open_data_stream, open_data_xlsx
from .comments import public_draft

# Published data changes as comments are published or hidden: a cache (or a CDN) may keep a
# copy for a few minutes, which spares the database a burst of downloads of a large draft.
MAX_AGE_S = 300


@require_GET
def open_data(
    request: HttpRequest, draft_id: int, fmt: str
) -> StreamingHttpResponse | FileResponse:
    """Every published comment of a live, public draft in `fmt` (csv, xlsx or json)."""
    if fmt not in CONTENT_TYPES:
        raise Http404(_("Open data is offered as CSV, XLSX or JSON."))
    draft = public_draft(draft_id)
    filename = open_data_filename(draft=draft, fmt=fmt)
    response: StreamingHttpResponse | FileResponse
    if fmt == "xlsx":
        response = FileResponse(
            open_data_xlsx(draft=draft),
            as_attachment=True,
            filename=filename,
            content_type=CONTENT_TYPES[fmt],
        )
    else:
        response = StreamingHttpResponse(
            open_data_stream(draft=draft, fmt=fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_cache_control(response, public=True, max_age=MAX_AGE_S)
    return response


urlpatterns: list[URLPattern] = [
    path("y-kien/du-thao/<int:draft_id>/du-lieu-mo.<str:fmt>", open_data, name="open_data"),
]
