from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "mithaq.common"
    label = "common"

    def ready(self):
        from . import context_processors

        context_processors.connect_signals()
