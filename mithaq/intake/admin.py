from django.contrib import admin, messages
from django.utils.translation import gettext as _

from . import services
from .models import ApiKey, Mailbox, WebhookSubscription, WhatsAppNumber


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "may_submit", "may_read_own", "staff_user", "is_active")
    list_filter = ("is_active", "may_submit", "may_read_own")
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at")
    autocomplete_fields = ("staff_user",)

    def save_model(self, request, obj, form, change):
        raw = None
        if not change:
            raw = services.set_new_secret(obj)
        super().save_model(request, obj, form, change)
        if raw is not None:
            # Shown once: only its digest is kept.
            messages.warning(
                request,
                _("The new key, shown only this once: %(key)s") % {"key": raw},
            )


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("name", "host", "port", "security", "folder", "is_active")
    list_filter = ("is_active",)
    autocomplete_fields = ("received_by",)


@admin.register(WhatsAppNumber)
class WhatsAppNumberAdmin(admin.ModelAdmin):
    list_display = ("gateway_code", "received_by", "is_active")
    autocomplete_fields = ("received_by",)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "is_active")
