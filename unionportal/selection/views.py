from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from . import registry
from .selectors import access_candidacy


@login_required
def candidacy_detail(request, pk):
    """The stable address of a candidacy (notifications link here): the owning app's page."""
    candidacy = access_candidacy(request.user, pk)
    url = registry.detail_url(candidacy.programme.app, candidacy.pk)
    if url is None:
        raise Http404
    return redirect(url)


def objection_detail(request, pk):
    raise Http404
