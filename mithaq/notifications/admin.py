from django.contrib import admin

from mithaq.common.admin_changes import RowsChangedAdmin

from .forms import TemplateAdminForm
from .models import Attempt, GatewayConfig, GatewayState, Message, MessageTemplate


@admin.register(GatewayConfig)
class GatewayConfigAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "is_active", "url", "auth_kind"]
    list_filter = ["kind", "is_active"]


@admin.register(GatewayState)
class GatewayStateAdmin(admin.ModelAdmin):
    list_display = ["gateway", "state", "consecutive_failures", "opened_until", "changed_at"]
    readonly_fields = ["gateway", "changed_at", "probe_token"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(RowsChangedAdmin):
    changes = ("notifications.MessageTemplate",)
    form = TemplateAdminForm
    list_display = ["event_key", "channel", "language", "subject"]
    list_filter = ["channel", "language", "event_key"]


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "transport", "address", "outcome", "error", "http_status"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "event_key", "channel", "recipient_kind", "status", "attempt_count"]
    list_filter = ["status", "channel", "event_key"]
    # Not the address: encrypted at rest, it cannot be searched by its parts.
    search_fields = ["case__code", "provider_id"]
    raw_id_fields = ["case", "user", "resent_from", "resent_by"]
    inlines = [AttemptInline]

    def has_change_permission(self, request, obj=None):
        return False
