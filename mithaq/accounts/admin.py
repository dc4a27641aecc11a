from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from mithaq.common.admin_changes import RowsChangedAdmin

from .models import Membership, OrgUnit, User
from .services import save_unit
from .two_factor import issue_enrolment_code


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(RowsChangedAdmin, BaseUserAdmin):
    # A person's name and state are in the inbox's officer filter; memberships are inline.
    changes = ("accounts.User", "accounts.Membership")
    # Django's are a tuple (the stubs allow a list or None too).
    fieldsets = cast(tuple, BaseUserAdmin.fieldsets) + (
        (_("Mithaq"), {"fields": ("full_name", "language")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]
    actions = ["issue_enrolment_codes"]

    @admin.action(description=_("Give a second-factor enrolment code"))
    def issue_enrolment_codes(self, request, queryset):
        # Each code is shown once, here; it is stored hashed (accounts.two_factor).
        for person in queryset.filter(is_active=True):
            code, row = issue_enrolment_code(user=person, issued_by=request.user)
            self.message_user(
                request,
                _("Enrolment code for %(person)s: %(code)s (works once, until %(until)s).")
                % {
                    "person": person,
                    "code": code,
                    "until": date_format(localtime(row.expires_at), "DATETIME_FORMAT"),
                },
                messages.SUCCESS,
            )


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = [
            "parent",
            "kind",
            "code",
            "name_ar",
            "name_en",
            "is_citizens_office",
            "accepts_cases",
            "is_active",
        ]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        unit = self.instance
        if (
            parent is not None
            and unit.pk
            and (parent.pk == unit.pk or f"/{unit.pk}/" in parent.path)
        ):
            raise forms.ValidationError(
                _("A unit cannot be placed under itself or a unit below it.")
            )
        return parent


@admin.register(OrgUnit)
class OrgUnitAdmin(RowsChangedAdmin):
    form = OrgUnitForm
    # A deleted unit takes its memberships and services with it.
    changes = ("accounts.OrgUnit", "accounts.Membership", "catalog.Service")
    list_display = [
        "indented_name",
        "code",
        "kind",
        "is_citizens_office",
        "accepts_cases",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "is_citizens_office"]
    search_fields = ["name_ar", "name_en", "code"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "— " * max(obj.depth, 0) + obj.name

    def save_model(self, request, obj, form, change):
        # The tree's paths (and the copies made of units) are kept by the service.
        save_unit(unit=obj)


@admin.register(Membership)
class MembershipAdmin(RowsChangedAdmin):
    changes = ("accounts.Membership",)
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
