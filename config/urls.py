from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from liangpai.core.access import public

urlpatterns = [
    path("", include("liangpai.web.urls")),
    path("", include("liangpai.core.urls")),
    path("accounts/", include("liangpai.accounts.urls")),
    path("org/", include("liangpai.organisations.urls")),
    path("regions/", include("liangpai.regions.urls")),
    path("enterprises/", include("liangpai.enterprises.urls")),
    path("imports/", include("liangpai.imports.urls")),
    path("checklists/", include("liangpai.checklists.urls")),
    path("ratings/lights/", include("liangpai.periods.urls")),
    path("ratings/interviews/", include("liangpai.interviews.urls")),
    path("publications/", include("liangpai.publication.urls")),
    path("assessments/", include("liangpai.assessments.urls")),
    path("api/v1/", include("liangpai.api.urls")),
    path("", include("liangpai.publicsite.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("亮牌 · 系统管理")
admin.site.site_title = _("亮牌管理")
admin.site.index_title = _("配置数据")

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
