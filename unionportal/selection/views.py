from django.http import Http404


def candidacy_detail(request, pk):
    raise Http404


def objection_detail(request, pk):
    raise Http404
