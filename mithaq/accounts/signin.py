"""Who the request is: Django's user lookup and django_otp's device lookup. A signed-in staff
session names its second-factor device, so both are read in one query (the device with its
person), with its SQL made once per process (mithaq.common.baked): every staff page asks.

They behave as the classes they extend: an inactive person is nobody, a device that is gone,
unconfirmed or someone else's verifies nothing, and without a device in the session (or with
one that is not found) the person is read by their own query as Django reads them."""

import contextvars

from django.contrib.auth import backends, get_user_model
from django_otp import DEVICE_ID_SESSION_KEY, middleware
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mithaq.common.baked import Baked

_user_by_id = Baked(lambda pk: get_user_model()._default_manager.filter(pk=pk)[:1], int)
_DEVICES = {
    f"{model._meta.app_label}.{model._meta.model_name}": Baked(
        lambda pk, model=model: model.objects.select_related("user").filter(pk=pk)[:1], int
    )
    for model in (TOTPDevice, StaticDevice)
}
# While OTPMiddleware asks for the request's user: the session's device id and the device
# read for it (with its person), or None.
_session_device: contextvars.ContextVar = contextvars.ContextVar("mithaq_session_device")


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        if type(user_id) is not int:
            return super().get_user(user_id)
        _persistent_id, device = _session_device.get((None, None))
        if device is not None and device.user_id == user_id:
            found = [device.user]
        else:
            found = _user_by_id(user_id)
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]


class OTPMiddleware(middleware.OTPMiddleware):
    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = self._read_device(persistent_id) if persistent_id else None
        token = _session_device.set((persistent_id, device))
        try:
            return super()._verify_user_sync(request, user)
        finally:
            _session_device.reset(token)

    def _read_device(self, persistent_id: str):
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        query = _DEVICES.get(label)
        if query is None or not device_id.isascii() or not device_id.isdigit():
            return super()._device_from_persistent_id(persistent_id)
        found = query(int(device_id))
        return found[0] if found else None

    def _device_from_persistent_id(self, persistent_id: str):
        read_for, device = _session_device.get((None, None))
        if read_for == persistent_id:
            return device
        return self._read_device(persistent_id)
