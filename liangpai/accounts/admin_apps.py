"""django.contrib.admin, installed with the site that asks admins for their second factor.

In its own module: an apps.py holding two AppConfig classes would leave Django unable to
pick the accounts app's own.
"""

from django.contrib.admin.apps import AdminConfig


class LiangpaiAdminConfig(AdminConfig):
    default_site = "liangpai.accounts.admin_site.AdminSite"
