"""Response headers the whole site needs."""

from django.utils.cache import patch_cache_control

FILES_PREFIX = "/files/"


def _directives(response) -> set[str]:
    return {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}


def _private(response) -> None:
    for header in ("Cache-Control", "Expires"):
        if header in response:
            del response[header]
    patch_cache_control(response, private=True, no_store=True)


class PrivateCacheControlMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in user and on stored files.

    A page a signed-in user sees may show their name, their records or a CSRF token, even under a public
    URL (the public page cache marks those pages public, since anonymous visitors get the same page), so
    neither a shared cache nor the browser's disk may keep it. Stored files are private unless the file
    view marks one as public (a published honouree's photo), which only an anonymous request keeps.
    Answers to anonymous visitors are left as the views made them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        private_file = request.path_info.startswith(FILES_PREFIX) and "public" not in _directives(response)
        if signed_in or private_file:
            _private(response)
        return response
