from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from unionportal.orgs.enums import Role
from unionportal.orgs.scoping import has_role

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


@register.simple_tag(takes_context=True)
def user_roles(context):
    """The roles the signed-in user holds, for the navigation bar."""
    user = context["request"].user
    return {role.value: has_role(user, role) for role in Role}
