"""System checks of the settings mithaq.common reads."""

from django.core import checks

from . import crypto


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys(app_configs, **kwargs):
    """`check --deploy`: national IDs and phones kept in clear is a deployment choice to see."""
    if crypto.encrypting():
        try:
            crypto.fernet()
        except crypto.FieldKeyError as exc:
            return [checks.Error(str(exc), id="mithaq.E001")]
        return []
    return [
        checks.Warning(
            "MITHAQ_FIELD_KEYS is empty: national IDs and phone numbers are stored in clear.",
            hint="Set MITHAQ_FIELD_KEYS and MITHAQ_SEARCH_KEYS (docs/deploy.md, 'Encryption keys').",
            id="mithaq.W001",
        )
    ]
