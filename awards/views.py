from django.http import Http404


def nomination_list(request):
    raise Http404


def nomination_detail(request, pk):
    raise Http404
