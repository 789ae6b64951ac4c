from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from unionportal import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def other_language(context):
    """(code, label, url) of the language switch: a plain link, so public pages set no cookie."""
    request = context["request"]
    if (get_language() or "zh-hans").startswith("zh"):
        code, label = "en", "English"
    else:
        code, label = "zh-hans", "Chinese"
    return {"code": code, "label": label, "url": translate_url(request.get_full_path(), code)}


# Navigation entry → the matrix row that opens its page; the bar shows only what the user may open.
NAV_PAGES = {
    "campaigns": ("milestone", "list"),
    "reports": ("activity_report", "change"),
    "awards": ("candidacy", "list"),
    "review": ("candidacy", "review"),
    "assistance": ("drive_enterprise", "list"),
    "accounts": ("account", "list"),
    "coverage": ("organisation", "list"),
    "audit": ("audit_event", "list"),
}


@register.simple_tag(takes_context=True)
def nav_pages(context):
    """Which of the staff pages the signed-in user may open (from the permission matrix)."""
    user = context["request"].user
    pages = {name: permissions.may(user, kind, action) for name, (kind, action) in NAV_PAGES.items()}
    # Reviewers work from the review queue (it opens each nomination); the intake list is the submitters'.
    pages["awards"] = pages["awards"] and not pages["review"]
    pages["tools"] = pages["coverage"] or pages["audit"] or user.is_staff
    return pages
