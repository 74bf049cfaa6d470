"""The site's own pages for 403, 404 and 500 (Django's `handler403/404/500`), in the site's layout and the
visitor's language (Vietnamese by default). Django's debug pages appear only while `DEBUG` is on."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.utils.translation import gettext as _


def _message(exception) -> str:
    """What the code that refused said, when it said it in words (a resolver's miss carries a dict)."""
    args = getattr(exception, "args", ())
    return args[0] if args and isinstance(args[0], str) else ""


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", {"message": _message(exception)}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", {"message": _message(exception), "path": request.path}, status=404)


def server_error(request):
    """The site's layout with the request, so that the page keeps the visitor's language."""
    try:
        return render(request, "errors/500.html", status=500)
    except TemplateDoesNotExist:  # pragma: no cover - a broken installation
        return HttpResponseServerError(_("Lỗi máy chủ. Vui lòng thử lại sau."))
