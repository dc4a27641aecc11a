"""The schedules' hours and closures, kept by the office in Django's admin."""

from django.contrib import admin

from .models import Closure, Schedule, WeeklyHours


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 1


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "official", "unit", "is_active")
    inlines = [WeeklyHoursInline, ClosureInline]
