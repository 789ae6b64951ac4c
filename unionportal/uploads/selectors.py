from django.shortcuts import get_object_or_404

from .models import StoredFile


def access_stored_file(user, pk) -> StoredFile:
    """The stored file if ``user`` may see it; otherwise Http404, as for a file that does not exist."""
    return get_object_or_404(StoredFile.objects.visible_to(user), pk=pk)
