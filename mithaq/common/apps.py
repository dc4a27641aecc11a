from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "mithaq.common"
    label = "common"
