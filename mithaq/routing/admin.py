"""The office configures its calendar, commitments and escalation steps here. Every change
reloads the configuration everywhere and recomputes open cases' clocks (as a job)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    AnnualHoliday,
    Commitment,
    EscalationStep,
    Holiday,
    HoursOverride,
    WorkingCalendar,
    WorkingHours,
)


class ConfigAdmin(admin.ModelAdmin):
    """Saving or deleting a row changes the clocks: reload, then recompute."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.clock_config_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.clock_config_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.clock_config_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.clock_config_changed()


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0
    max_num = 7


class HoursOverrideInline(admin.TabularInline):
    model = HoursOverride
    extra = 0


class AnnualHolidayInline(admin.TabularInline):
    model = AnnualHoliday
    extra = 0


class YearActionForm(ActionForm):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1925, max_value=2076)


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(ConfigAdmin):
    list_display = ["name", "time_zone", "is_active", "updated_at"]
    inlines = [WorkingHoursInline, HoursOverrideInline, AnnualHolidayInline]
    action_form = YearActionForm
    actions = ["generate_hijri_holidays"]

    @admin.action(description=_("Generate the Hijri holidays for the year given"))
    def generate_hijri_holidays(self, request, queryset):
        raw = request.POST.get("year") or ""
        try:
            year = int(raw) if raw else timezone.localdate().year
        except ValueError:
            self.message_user(request, _("Give the year as a number."), messages.ERROR)
            return
        for calendar in queryset:
            try:
                created, moved = services.generate_hijri_holidays(calendar=calendar, year=year)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return
            self.message_user(
                request,
                _("%(calendar)s, %(year)s: %(added)s, %(moved)s.")
                % {
                    "calendar": calendar,
                    "year": year,
                    "added": ngettext("%(n)s holiday added", "%(n)s holidays added", created)
                    % {"n": created},
                    "moved": ngettext("%(n)s holiday moved", "%(n)s holidays moved", moved)
                    % {"n": moved},
                },
            )


class HolidayAdminForm(forms.ModelForm):
    """A saved holiday moves only as far as the clocks page lets it (the same check,
    services.check_holiday_move); a new one-off holiday may fall on any day. The admin gives
    the model and its fields."""

    def clean_date(self):
        date = self.cleaned_data["date"]
        if self.instance.pk is not None:
            # self.instance still holds the saved row: the form's values are put in after.
            services.check_holiday_move(holiday=self.instance, date=date)
        return date


@admin.register(Holiday)
class HolidayAdmin(ConfigAdmin):
    form = HolidayAdminForm
    list_display = ["date", "name_ar", "name_en", "computed_date", "corrected", "calendar"]
    list_filter = ["calendar", "corrected"]
    date_hierarchy = "date"
    search_fields = ["name_ar", "name_en"]

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data and obj.computed_date is not None:
            obj.corrected = obj.date != obj.computed_date
        super().save_model(request, obj, form, change)


@admin.register(Commitment)
class CommitmentAdmin(ConfigAdmin):
    list_display = ["target", "kind", "service", "urgent", "amount", "unit"]
    list_filter = ["target", "urgent", "kind"]
    autocomplete_fields = ["service"]


@admin.register(EscalationStep)
class EscalationStepAdmin(ConfigAdmin):
    list_display = ["target", "offset_hours", "recipient", "is_active"]
    list_filter = ["target", "recipient", "is_active"]
