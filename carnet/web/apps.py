from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps  # the module, so that Django finds one default here


class WebConfig(AppConfig):
    default = True
    name = "carnet.web"
    label = "web"


class OperatorAdminConfig(admin_apps.AdminConfig):
    """Django's admin with carnet's site: a second factor is required (see ``carnet.web.admin``)."""

    default = False
    default_site = "carnet.web.admin.OperatorAdminSite"
