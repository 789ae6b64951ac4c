from django.http import Http404


def nomination_list(request):
    raise Http404
