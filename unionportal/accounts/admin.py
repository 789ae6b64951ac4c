"""The account admin. Phones are masked here as everywhere they are shown: the change form offers the
masked number (posting it back keeps the stored one) and a separate reveal page shows the full number
once, to whoever may see it, after they give a reason that is logged (``audit.services.reveal``).

``MaskedRevealAdminMixin`` and ``posted_personal_value`` are shared with the other admins that hold
personal data (earlier honours' ID numbers)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal import permissions
from unionportal.audit.services import reveal
from unionportal.orgs.selectors import users_managed_by

from .models import PhoneCode, User
from .validators import mask_mobile, normalise_mobile, validate_mobile

MASKED_HELP = _("为保护个人信息，号码已部分隐去；不修改时请保留原样，修改时请输入完整的新号码。")


def posted_personal_value(posted: str, stored: str | None, mask, message) -> tuple[str, bool]:
    """What a masked input means: (the stored value, False) when ``posted`` is its mask unchanged, else
    (``posted``, True), a new value for the caller to validate. A value that still holds the mask's
    asterisks but is not the mask (a digit changed, a few deleted) is refused with ``message``: it can
    only be a half-edited mask, never a number."""
    if stored and posted == mask(stored):
        return stored, False
    if "*" in posted:
        raise ValidationError(message, code="masked")
    return posted, True


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=200,
        help_text=_("查看将被记录（查看人、时间、理由）。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 60}),
    )


# Rendered in the admin's frame (a string: the page is this mixin's alone). Its strings come translated
# from the view, or are Django admin's own; the page holds no script.
REVEAL_TEMPLATE = """{% extends "admin/base_site.html" %}{% load i18n %}
{% block breadcrumbs %}<div class="breadcrumbs"><a href="{% url 'admin:index' %}">{% translate "Home" %}</a>
&rsaquo; <a href="{{ change_url }}">{{ original }}</a> &rsaquo; {{ title }}</div>{% endblock %}
{% block content %}<div id="content-main">
{% if value is not None %}
<dl id="revealed"><dt>{{ label }}</dt><dd><strong id="revealed-value">{{ value }}</strong></dd></dl>
<p>{{ logged_note }}</p>
{% else %}
<form method="post" id="reveal-form" novalidate>{% csrf_token %}
  {% if form.errors %}<p class="errornote">{% translate "Please correct the error below." %}</p>{% endif %}
  <fieldset class="module aligned"><div class="form-row">
    {{ form.reason.errors }}
    <div class="flex-container">{{ form.reason.label_tag }} {{ form.reason }}</div>
    <div class="help">{{ form.reason.help_text }}</div>
  </div></fieldset>
  <div class="submit-row"><input type="submit" class="default" value="{{ submit_label }}"></div>
</form>
{% endif %}
<p><a href="{{ change_url }}" id="back-to-change">{{ back_label }}</a></p>
</div>{% endblock %}
"""


class MaskedRevealAdminMixin:
    """A reveal page for one masked field of a ModelAdmin's records, at ``<pk>/reveal/``.

    The change form links to it (in the field's help text) when ``may_reveal`` allows; the page asks for a
    reason, and on a valid one shows the full value in that response only and writes one audit event.
    A record outside the admin's queryset answers 404; one the user may not reveal answers 403, and
    neither logs anything."""

    reveal_field: str = ""

    def may_reveal(self, request, obj) -> bool:
        raise NotImplementedError

    def reveal_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_reveal", args=[obj.pk])

    def reveal_link(self, request, obj):
        """The help text of the masked input: how to keep it, and a link to the reveal page if allowed."""
        if obj is None or not getattr(obj, self.reveal_field):
            return None
        if not self.may_reveal(request, obj):
            return MASKED_HELP
        label = self.model._meta.get_field(self.reveal_field).verbose_name
        return format_html(
            '{} <a href="{}" id="reveal-link">{}</a>',
            MASKED_HELP,
            self.reveal_url(obj),
            gettext("查看完整%(field)s（须填写理由，将被记录）") % {"field": label},
        )

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name=f"{opts.app_label}_{opts.model_name}_reveal",
            ),
            *super().get_urls(),
        ]

    def reveal_view(self, request, object_id):
        if request.method not in ("GET", "POST"):
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not (self.has_view_or_change_permission(request, obj) and self.may_reveal(request, obj)):
            raise PermissionDenied
        opts = self.model._meta
        label = opts.get_field(self.reveal_field).verbose_name
        form = RevealForm(request.POST if request.method == "POST" else None)
        value = None
        if form.is_bound and form.is_valid():
            try:
                value = reveal(
                    actor=request.user, obj=obj, field=self.reveal_field, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": obj,
            "title": gettext("查看完整%(field)s") % {"field": label},
            "label": label,
            "value": value,
            "form": form,
            "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            "logged_note": gettext("本次查看已记录。离开或刷新本页后将不再显示。"),
            "submit_label": gettext("查看完整信息"),
            "back_label": gettext("返回"),
        }
        template = engines["django"].from_string(REVEAL_TEMPLATE)
        status = 400 if form.errors else 200
        return TemplateResponse(request, template, context, status=status)


class MaskedPhoneUserChangeForm(UserChangeForm):
    """The account form with the phone masked: the mask posted back keeps the stored phone, an empty
    input removes it, and a new number is normalised, checked and held unique like everywhere else."""

    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    phone_help = None  # set per request by UserAdmin.get_form: the help text with the reveal link

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone_changed = False
        if "phone" in self.fields and self.instance.pk and self.instance.phone:
            self.initial["phone"] = mask_mobile(self.instance.phone)
            self.fields["phone"].widget.attrs["autocomplete"] = "off"
            self.fields["phone"].help_text = self.phone_help or MASKED_HELP

    def clean_phone(self):
        stored = self.instance.phone if self.instance.pk else None
        posted = normalise_mobile(self.cleaned_data.get("phone") or "")
        value, new = posted_personal_value(
            posted, stored, mask_mobile, gettext("请输入完整的手机号，或保留显示的带 * 的号码不变。")
        )
        if new and value:
            validate_mobile(value)
        value = value or None
        self.phone_changed = value != stored
        return value

    def save(self, commit=True):
        # A verification is of one number: a phone changed here has not been verified.
        if self.phone_changed and "phone_verified_at" not in self.changed_data:
            self.instance.phone_verified_at = None
        return super().save(commit)


@admin.register(User)
class UserAdmin(MaskedRevealAdminMixin, DjangoUserAdmin):
    form = MaskedPhoneUserChangeForm
    reveal_field = "phone"
    list_display = ["username", "name", "masked_phone", "email", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "must_change_password"]
    search_fields = ["username", "name", "email", "phone"]
    ordering = ["username"]
    limited_fieldsets = (
        (None, {"fields": ("username",)}),
        (_("个人信息"), {"fields": ("name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "last_login", "date_joined")}),
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "phone_verified_at", "email")}),
        (
            _("状态"),
            {
                "fields": (
                    "is_active",
                    "must_change_password",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return obj.masked_phone

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=users_managed_by(request.user).values("pk"))

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.limited_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("username", "last_login", "date_joined")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and issubclass(form, MaskedPhoneUserChangeForm):
            form = type(form.__name__, (form,), {"phone_help": self.reveal_link(request, obj)})
        return form

    def may_reveal(self, request, obj) -> bool:
        """Organisation admins, for the accounts of their subtree (the matrix's "account" kind keeps its
        records by organisation, which an account has only through its memberships); superusers."""
        user = request.user
        if user.is_superuser:
            return True
        return (
            permissions.may(user, "account", "reveal") and users_managed_by(user).filter(pk=obj.pk).exists()
        )

    def has_add_permission(self, request):
        # Org admins create accounts on the portal's account pages, which attach the role in one step.
        return request.user.is_superuser

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404


@admin.register(PhoneCode)
class PhoneCodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "attempts", "used_at", "client_ip"]
    readonly_fields = [f.name for f in PhoneCode._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False
