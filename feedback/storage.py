"""Where comment attachments live: outside MEDIA_ROOT, served only by a permission-checking view."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


def private_storage() -> Storage:
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
