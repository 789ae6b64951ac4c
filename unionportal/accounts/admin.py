from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from unionportal.orgs.selectors import users_managed_by

from .models import PhoneCode, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
