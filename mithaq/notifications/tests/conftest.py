import pytest

from mithaq.notifications.models import GatewayConfig

from .stubs import StubGateway


@pytest.fixture(autouse=True)
def messages_file(settings, tmp_path):
    settings.MITHAQ_MESSAGES_FILE = str(tmp_path / "outbox.log")
    return tmp_path / "outbox.log"


@pytest.fixture
def gateway():
    stub = StubGateway()
    yield stub
    stub.close()


@pytest.fixture
def sms_gateway(db, gateway, settings, monkeypatch):
    """The HTTP SMS transport pointed at the local stub gateway."""
    monkeypatch.setenv("TEST_SMS_TOKEN", "s3cret")
    monkeypatch.setenv("TEST_RECEIPT_SECRET", "receipt-key")
    settings.MITHAQ_TRANSPORTS = {"sms": "http", "email": "console", "whatsapp": "console"}
    config = GatewayConfig.objects.create(
        code="local",
        kind="sms_http",
        url=f"{gateway.url}/send",
        method="POST",
        params_template={"to": "{to}", "msg": "{text}", "from": "{sender}"},
        auth_kind="bearer",
        secret_env="TEST_SMS_TOKEN",
        receipt_secret_env="TEST_RECEIPT_SECRET",
        sender="Mithaq",
        success_pattern=r"^OK",
        message_id_pattern=r"id=(\d+)",
        timeout_seconds=2,
    )
    return config
