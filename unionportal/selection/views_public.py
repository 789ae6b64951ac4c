from django.http import Http404


def notice_detail(request, pk):
    raise Http404
