"""Tagged PDFs made by WeasyPrint (PDF/UA-1) joined into one that is still tagged.

WeasyPrint keeps every laid-out page of a document in memory (about 1 MB a page) and gets slower
per page as the document grows, so a long appendix is rendered in parts and the parts are joined
here with pikepdf. Appending pages is not enough for a tagged PDF: each part has its own structure
tree, whose ParentTree maps each page's ``/StructParents`` (and each link's ``/StructParent``) to
the structure elements of its marked content. The parts' keys are shifted past the first part's,
their ParentTree entries added to the first part's, and their top-level structure elements moved
under the first part's ``/Document``; their bookmarks follow the first part's. The first part's
catalog (title, language, XMP metadata, PDF/UA identification) stays that of the whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name


def merge_tagged(parts: Sequence[bytes]) -> bytes:
    """One PDF of ``parts``' pages in order, with one structure tree and one ParentTree."""
    if len(parts) == 1:
        return parts[0]
    with pikepdf.open(io.BytesIO(parts[0])) as whole:
        root = whole.Root.StructTreeRoot
        document = _document(root)
        entries = list(_number_tree(root.ParentTree))
        next_key = max((key + 1 for key, _value in entries), default=0)
        opened = []
        try:
            for part in parts[1:]:
                source = pikepdf.open(io.BytesIO(part))
                opened.append(source)
                next_key = _append(whole, document, entries, next_key, source)
            entries.sort(key=lambda entry: entry[0])
            root.ParentTree = whole.make_indirect(
                Dictionary(Nums=Array([item for entry in entries for item in entry]))
            )
            root.ParentTreeNextKey = next_key
            out = io.BytesIO()
            whole.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            for source in opened:
                source.close()
    return out.getvalue()


def _append(
    whole: pikepdf.Pdf,
    document: pikepdf.Object,
    entries: list[tuple[int, pikepdf.Object]],
    offset: int,
    source: pikepdf.Pdf,
) -> int:
    """Append ``source``'s pages and structure to ``whole``; the next free ParentTree key.

    pikepdf copies a foreign object once per source PDF, so the structure elements copied after
    the pages point (``/Pg``, ``/Obj``) at the pages and links already copied.
    """
    first = len(whole.pages)
    whole.pages.extend(source.pages)
    for page in whole.pages[first:]:
        _shift(page.obj, "/StructParents", offset)
        for annotation in page.obj.get("/Annots", Array()):
            _shift(annotation, "/StructParent", offset)
    source_root = source.Root.StructTreeRoot
    source_document = _document(source_root)
    copied_document = whole.copy_foreign(source_document)
    part_entries = [
        (key + offset, _copy(whole, value)) for key, value in _number_tree(source_root.ParentTree)
    ]
    for element in copied_document.K:
        element.P = document
        document.K.append(element)
    # Page numbers are marked content whose element has the part's /Document as parent without
    # being one of its kids: re-parent them too, or the part's whole tree is carried along.
    copied = copied_document.objgen
    for _key, value in part_entries:
        for element in value if isinstance(value, Array) else [value]:
            if isinstance(element, Dictionary) and "/P" in element and element.P.objgen == copied:
                element.P = document
    entries.extend(part_entries)
    if "/Outlines" in source.Root:
        _append_outlines(whole, whole.copy_foreign(source.Root.Outlines))
    return max((key + 1 for key, _value in part_entries), default=offset)


def _copy(whole: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """``obj`` copied into ``whole``: an indirect object by pikepdf (once per source), a direct
    array or dictionary member by member (pikepdf copies only indirect objects)."""
    if not isinstance(obj, pikepdf.Object):  # a number, read as a Python value
        return obj
    if obj.is_indirect:
        return whole.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(whole, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(whole, value) for key, value in obj.items()})
    return obj


def _shift(obj: pikepdf.Object, key: str, offset: int) -> None:
    if key in obj:
        obj[key] = int(obj[key]) + offset


def _document(root: pikepdf.Object) -> pikepdf.Object:
    """The ``/Document`` element WeasyPrint puts under the structure tree's root."""
    kids = root.K
    document = kids[0] if isinstance(kids, Array) and len(kids) == 1 else kids
    if not isinstance(document, Dictionary) or document.get("/S") != Name.Document:
        raise ValueError("not a WeasyPrint tagged PDF: no /Document structure element")
    if not isinstance(document.K, Array):
        document.K = Array([document.K])
    return document


def _number_tree(node: pikepdf.Object) -> Iterator[tuple[int, pikepdf.Object]]:
    """(key, value) of a number tree, flat (``/Nums``) or not (``/Kids``)."""
    nums = node.get("/Nums", Array())
    for index in range(0, len(nums), 2):
        yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids", Array()):
        yield from _number_tree(kid)


def _append_outlines(whole: pikepdf.Pdf, outlines: pikepdf.Object) -> None:
    """The part's top-level bookmarks after the whole's (with their own children)."""
    if "/First" not in outlines:
        return
    if "/Outlines" not in whole.Root:
        whole.Root.Outlines = whole.make_indirect(Dictionary(Type=Name.Outlines, Count=0))
    target = whole.Root.Outlines
    item = outlines.First
    while True:
        item.Parent = target
        if "/Last" in target:
            item.Prev = target.Last
            target.Last.Next = item
        else:
            target.First = item
        target.Last = item
        opened = int(item.get("/Count", 0))
        target.Count = int(target.get("/Count", 0)) + 1 + max(opened, 0)
        if "/Next" not in item:
            break
        item = item.Next
