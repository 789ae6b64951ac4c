"""The nominating union's steps that every programme's own pages share: withdraw a candidacy under
review back to a draft, and delete a draft, each behind a confirmation page (``selection/confirm.html``).

A domain app's view reads the candidacy through its own access check (which also says the candidacy is
its programme's) and hands it over with the pages to return to.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from unionportal.audit.transitions import TransitionError

from . import services


def _confirm(request, candidacy, *, title, question, button, cancel):
    context = {
        "title": title,
        "question": question,
        "user_data": (candidacy.name,),
        "button": button,
        "cancel": cancel,
    }
    return render(request, "selection/confirm.html", context)


def withdraw(request, candidacy, *, detail_url: str, comment: str):
    """GET: the question; POST: back to a draft (the candidacy's history records ``comment``)."""
    if request.method == "POST":
        try:
            services.candidacy_withdraw(actor=request.user, pk=candidacy.pk, comment=comment)
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("推荐已撤回为草稿，可以修改后重新提交。"))
        return redirect(detail_url)
    return _confirm(
        request,
        candidacy,
        title=_("撤回推荐"),
        question=_("确定撤回对“%(name)s”的推荐吗？撤回后变为草稿，需重新提交。") % {"name": candidacy.name},
        button=_("撤回"),
        cancel=detail_url,
    )


def delete(request, candidacy, *, detail_url: str, list_url: str):
    """GET: the question; POST: the draft deleted (only a draft never submitted)."""
    if request.method == "POST":
        try:
            services.candidacy_delete(actor=request.user, pk=candidacy.pk)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(detail_url)
        messages.success(request, _("草稿已删除。"))
        return redirect(list_url)
    return _confirm(
        request,
        candidacy,
        title=_("删除草稿"),
        question=_("确定删除“%(name)s”的推荐草稿吗？删除后不能恢复。") % {"name": candidacy.name},
        button=_("删除"),
        cancel=detail_url,
    )
