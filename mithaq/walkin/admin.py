"""Setting up a hall: its services and letters, its windows, and the priority window."""

from django.contrib import admin

from .models import Counter, Hall, HallService, Rating, Ticket


class HallServiceInline(admin.TabularInline):
    model = HallService
    extra = 1
    autocomplete_fields = ["service"]


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 1
    fields = ["number", "is_priority", "is_active", "services"]
    filter_horizontal = ["services"]


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "unit", "opens_at", "closes_at", "is_active"]
    search_fields = ["code", "name_ar", "name_en"]
    autocomplete_fields = ["unit"]
    inlines = [HallServiceInline, CounterInline]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["hall", "number", "is_priority", "is_active", "is_open", "officer"]
    list_filter = ["hall", "is_priority"]
    filter_horizontal = ["services"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Only the services of the window's own hall are offered (when editing one).
        if db_field.name == "services" and request.resolver_match.kwargs.get("object_id"):
            counter = Counter.objects.filter(pk=request.resolver_match.kwargs["object_id"]).first()
            if counter is not None:
                kwargs["queryset"] = HallService.objects.filter(hall=counter.hall)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change only through the hall's service functions."""

    list_display = [
        "code",
        "hall",
        "day",
        "state",
        "is_priority",
        "issued_at",
        "counter",
        "outcome",
    ]
    list_filter = ["hall", "state", "is_priority", "day"]
    search_fields = ["code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "face", "hall_service", "counter", "at"]
    list_filter = ["face"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
