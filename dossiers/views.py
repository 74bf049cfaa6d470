"""Public pages: the home page and the tracking page (tra cứu hồ sơ, DOMAIN §3 "Tracking"). The tracking
page shows what GET /api/v1/track/{code}/ answers and shares its throttle."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from dossiers.api.serializers import TrackingSerializer
from dossiers.api.throttles import throttled_message, track_wait

from . import selectors
from .tracking import SECRET_PARAMETER, owns

MAX_CODE_LENGTH = 60


def home(request):
    return render(request, "dossiers/home.html")


def tracking(request):
    """A form for the dossier code; with a code, the dossier's public status and timeline."""
    code = request.GET.get("ma", "").strip()
    context = {"code": code, "result": None, "error": None}
    status = 200
    if code:
        wait = track_wait(request)
        if wait is not None:
            context["error"], status = throttled_message(wait), 429
        elif len(code) > MAX_CODE_LENGTH:
            context["error"], status = _("Mã hồ sơ quá dài; hãy kiểm tra lại."), 400
        else:
            dossier = selectors.tracked_dossier(code)
            if dossier is None:
                context["error"] = _(
                    "Không tìm thấy hồ sơ có mã “%(code)s”. Vui lòng kiểm tra lại mã trên giấy tiếp nhận."
                ) % {"code": code}
                status = 404
            else:
                owner = owns(dossier.code, request.GET.get(SECRET_PARAMETER))
                context["result"] = TrackingSerializer(dossier, context={"owner": owner}).data
                context["dossier"] = dossier
    return render(request, "dossiers/tracking.html", context, status=status)
