from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html_join
from django.utils.translation import get_language, override, pgettext

from unionportal import i18n, permissions
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import membership_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def other_language(context):
    """(code, label, url) of the language switch: a plain link, so public pages set no cookie."""
    request = context["request"]
    if (get_language() or "zh-hans").startswith("zh"):
        code, label = "en", "English"
    else:
        code, label = "zh-hans", "Chinese"
    return {"code": code, "label": label, "url": _translated(request, code)}


def _translated(request, code: str) -> str:
    """The request's URL in the other language: reversed from the match the request was routed by
    (``translate_url`` would resolve the path a second time), with the query string kept."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return translate_url(request.get_full_path(), code)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return request.get_full_path()
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{iri_to_uri(query)}" if query else url


# Each pure include's output per (template, language, values): bounded by the few combinations of roles.
_PURE: dict[tuple, str] = {}


def _frozen(value):
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


@register.simple_tag
def include_pure(template_name, **values):
    """``template_name`` rendered with ``values`` only (no request, no other context), once per process for
    each language and set of values: for parts of the layout drawn on every page that depend on little
    (the menu: which pages the user's roles open). The template must not read anything else."""
    key = (template_name, get_language(), *sorted((k, _frozen(v)) for k, v in values.items()))
    html = _PURE.get(key)
    if html is None:
        html = _PURE[key] = render_to_string(template_name, values)
    return html


# Navigation entry → the matrix row that opens its page; the bar shows only what the user may open.
NAV_PAGES = {
    "campaigns": ("milestone", "list"),
    "reports": ("activity_report", "change"),
    "awards": ("candidacy", "list"),
    "craftsmen": ("candidacy", "list"),
    "review": ("candidacy", "review"),
    "assistance": ("drive_enterprise", "list"),
    "accounts": ("account", "list"),
    "coverage": ("organisation", "list"),
    "audit": ("audit_event", "list"),
    "votes": ("vote_stage", "list"),
    "experts": ("expert_stage", "list"),
    "expert_tasks": ("expert_assignment", "list"),
    "members": ("member", "list"),
    "joining": ("join_application", "list"),
    "founding": ("founding_application", "list"),
    "films": ("craftsman_film", "list"),
    "bargaining": ("bargaining_offer", "list"),
    "competitions": ("competition", "list"),
    "rights": ("rights_request", "list"),
    "benefits": ("benefit_offer", "list"),
    "rights_stats": ("rights_stats", "list"),
    "rights_flags": ("rights_flag", "list"),
    "dashboard": ("dashboard", "list"),
    "cartoons": ("public_cartoon", "list"),
    "course_progress": ("course_progress", "list"),
}


# nav_pages' answer per combination of roles (the role gate reads the roles alone, and whether each is held
# at the root): a few dozen combinations, where asking the matrix costs two dozen lookups per page.
_NAV: dict[tuple, dict] = {}


@register.simple_tag(takes_context=True)
def nav_pages(context):
    """Which of the staff pages the signed-in user may open (from the permission matrix)."""
    user = context["request"].user
    root = Organisation.steplen  # a path of this length is the root's
    key = (
        user.is_superuser,
        user.is_staff,
        tuple(sorted({(role, len(path) == root) for role, path in membership_rows(user)})),
    )
    pages = _NAV.get(key)
    if pages is None:
        pages = _NAV[key] = _nav_pages(user)
    return pages


def _nav_pages(user) -> dict:
    pages = {name: permissions.may(user, kind, action) for name, (kind, action) in NAV_PAGES.items()}
    # Reviewers work from the review queue (it opens each nomination); the intake list is the submitters'.
    pages["awards"] = pages["awards"] and not pages["review"]
    pages["craftsmen"] = pages["awards"]
    # A worker (or someone just signed up, in no union yet) has their own pages: profile, joining, card.
    pages["worker"] = all(role == Role.WORKER for role, _path in membership_rows(user))
    pages["tools"] = (
        pages["coverage"]
        or pages["audit"]
        or pages["votes"]
        or pages["experts"]
        or pages["cartoons"]
        or pages["course_progress"]
        or user.is_staff
    )
    return pages


@register.simple_tag
def select_options(field):
    """The ``<option>``s of a filter form's select, the current value selected; options that are data
    (``UserDataSelect``) marked as user content. Drawn here, not by a template loop: a county's
    enterprise filter has a hundred options, and a loop tests three conditions for each."""
    current = str(field.value())
    marks = getattr(field.field.widget, "marks_user_data", False)
    return format_html_join(
        "",
        '<option value="{}"{}{}>{}</option>',
        (
            (
                value,
                " selected" if str(value) == current else "",
                " data-user-content" if marks and value != "" else "",
                text,
            )
            for value, text in field.field.choices
        ),
    )


@register.filter
def local_join(values) -> str:
    """Join labels as the page's language lists them (、 in Chinese, a comma in English)."""
    return pgettext("list separator", "、").join(str(v) for v in values)


@register.filter
def user_content(value):
    """``value`` (data as typed: a name, a unit, an address) in an element marked as user content, so
    that it can go into a translated sentence (``blocktranslate with x=value|user_content``)."""
    return i18n.user_content(value)


@register.simple_tag
def mark_user_data(text, values=()):
    """``text`` with each of ``values`` (the names it holds, as typed) marked as user content. A tag, not a
    filter: a missing ``values`` (a page that names nobody) is nothing here, where a filter would fail."""
    return i18n.mark_user_data(text, values)


@register.filter
def zh(value):
    """Chinese on purpose, marked so (``lang``): the sheet and column names users type in their files."""
    return i18n.chinese(value)


@register.filter
def in_language(chinese: str, english: str = "") -> str:
    """``english`` on English pages where given, else the catalogue's English of ``chinese``."""
    return i18n.in_language(chinese, english)


@register.filter
def in_reader_language(text):
    """A sentence a service stored, in the page's language; what a person typed, marked as user data."""
    return i18n.in_reader_language(text)


@register.filter
def html_lang(code: str) -> str:
    """A language code as the ``lang`` attribute spells it (zh-hans → zh-Hans)."""
    return "zh-Hans" if (code or "").lower().startswith("zh") else code


@register.simple_tag(takes_context=True)
def notification_language(context) -> str:
    """The language the signed-in user reads notifications in (the inbox shows them in it, whatever the
    page's language), for the ``lang`` attribute of the messages."""
    from unionportal.notifications.services import display_language

    return html_lang(display_language(context["request"].user))
