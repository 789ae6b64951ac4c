from django.utils.functional import SimpleLazyObject

from .services import unread_count


def inbox(request):
    """The unread count for the navigation bar; computed only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"INBOX_UNREAD": SimpleLazyObject(lambda: unread_count(user))}
