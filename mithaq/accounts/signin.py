"""Who the request is: Django's user lookup and django_otp's device lookup, each with its SQL
made once per process (mithaq.common.baked), since every staff page asks both.

They behave as the classes they extend: an inactive person is nobody, a device that is gone,
unconfirmed or someone else's verifies nothing."""

from django.contrib.auth import backends, get_user_model
from django_otp import middleware
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mithaq.common.baked import Baked

_user_by_id = Baked(lambda pk: get_user_model()._default_manager.filter(pk=pk)[:1], int)
_DEVICES = {
    f"{model._meta.app_label}.{model._meta.model_name}": Baked(
        lambda pk, model=model: model.objects.filter(pk=pk)[:1], int
    )
    for model in (TOTPDevice, StaticDevice)
}


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        if type(user_id) is not int:
            return super().get_user(user_id)
        found = _user_by_id(user_id)
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]


class OTPMiddleware(middleware.OTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        query = _DEVICES.get(label)
        if query is None or not device_id.isascii() or not device_id.isdigit():
            return super()._device_from_persistent_id(persistent_id)
        found = query(int(device_id))
        return found[0] if found else None
