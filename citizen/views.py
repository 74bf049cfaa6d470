"""Pages of the applicant's side (`/dich-vu-cong/`). Each reads through `citizen.selectors`, changes
through the services (`citizen.services`, `dossiers`, `payments`) and answers a refusal with its message
(Vietnamese, or English through i18n) and a 4xx status."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from requests import RequestException

from dossiers import selectors as dossier_selectors
from dossiers import services as dossier_services
from dossiers.extensions import section
from dossiers.models import DocumentVersion, Rating, Status
from dossiers.services import DossierError
from dossiers.tracking import INTERNAL_ACTIONS
from notifications.services import preference_for, set_preference
from payments import services as payment_services
from payments.models import Payment

from . import eid, selectors, services
from .forms import FilingForm, NotificationForm, RatingForm, SupplementForm, WithdrawForm
from .models import Identity

logger = logging.getLogger("onestop.citizen")
OPENED_SALT = "citizen.form-opened"
NEXT_KEY = "citizen_next"


def citizen_required(view):
    """The applicant signed in with the e-identity; anyone else is sent to sign in first."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        identity = Identity.objects.filter(user_id=request.user.pk).first() if request.user.is_authenticated else None
        if identity is None:
            return redirect(f"{reverse('citizen:sign-in')}?{urlencode({'next': request.get_full_path()})}")
        request.identity = identity
        return view(request, *args, **kwargs)

    return wrapped


# -- catalogue --------------------------------------------------------------------------------------
def catalogue(request):
    q = request.GET.get("q", "").strip()[:200]
    return render(request, "citizen/catalogue.html", {"q": q, "procedures": selectors.search_catalogue(q)})


def procedure(request, code):
    found = selectors.procedure_page(code)
    if found is None:
        raise Http404(_("Không có thủ tục mã “%(code)s”.") % {"code": code})
    return render(request, "citizen/procedure.html", {"procedure": found})


# -- sign-in ----------------------------------------------------------------------------------------
def sign_in(request):
    """To the national e-identity's sign-in page (authorization code with PKCE)."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        request.session[NEXT_KEY] = target
    try:
        return eid.client().authorize_redirect(request, request.build_absolute_uri(reverse("citizen:signed-in")))
    except (RequestException, OAuthError) as exc:
        logger.warning("e-identity unavailable: %s", exc)
        return render(request, "citizen/sign_in_failed.html", status=503)


def signed_in(request):
    """Back from the e-identity: the code exchanged, the ID token verified, the applicant signed in."""
    try:
        token = eid.client().authorize_access_token(request)
        identity = services.sign_in(claims=token.get("userinfo") or {})
    except (RequestException, OAuthError, DossierError, ValueError) as exc:
        logger.warning("e-identity sign-in refused: %s", exc)
        return render(request, "citizen/sign_in_failed.html", status=400)
    login(request, identity.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, _("Xin chào %(name)s, bạn đã đăng nhập bằng định danh điện tử.") % {"name": identity.name}
    )
    return redirect(request.session.pop(NEXT_KEY, "") or reverse("citizen:mine"))


@require_POST
def sign_out(request):
    logout(request)
    return redirect("citizen:catalogue")


# -- filing -----------------------------------------------------------------------------------------
def _date(value) -> str:
    """An ISO date as Vietnamese write it (dd/mm/yyyy)."""
    try:
        return f"{dt.date.fromisoformat(value):%d/%m/%Y}" if value else ""
    except ValueError:
        return str(value)


def _prefill(identity: Identity) -> dict:
    """What the state knows of the applicant: the population database, else what the e-identity said."""
    record = eid.population_record(identity.id_number) or {}
    known = {
        "name": record.get("name") or identity.name,
        "id_number": identity.id_number,
        "birthdate": _date(record.get("birthdate")) or (f"{identity.birthdate:%d/%m/%Y}" if identity.birthdate else ""),
        "address": record.get("address") or identity.address,
        "from_population": bool(record),
    }
    if identity.is_business:
        known.update(org_name=identity.org_name, tax_code=identity.tax_code, org_address=identity.org_address)
    return known


def _uploads(request, procedure) -> dict:
    return {
        d.code: request.FILES.getlist(f"doc-{d.code}")
        for d in procedure.documents.all()
        if request.FILES.getlist(f"doc-{d.code}")
    }


def _opened_at(token: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(float(signing.loads(token, salt=OPENED_SALT)), tz=dt.UTC)
    except (signing.BadSignature, TypeError, ValueError):
        return None


@citizen_required
def file(request, code):
    procedure = selectors.procedure_page(code)
    if procedure is None or procedure.online_level == "none":
        raise Http404(_("Thủ tục “%(code)s” không nhận hồ sơ trực tuyến.") % {"code": code})
    identity = request.identity
    agencies = selectors.receiving_agencies(procedure)
    status, error = 200, None
    if request.method == "POST":
        form = FilingForm(request.POST, procedure=procedure, agencies=agencies)
        if form.is_valid():
            data = form.cleaned_data
            components = {d.code: d.name for d in procedure.documents.all()}
            try:
                documents = services.document_inputs(
                    user=request.user,
                    uploads=_uploads(request, procedure),
                    reused=request.POST.getlist("reuse"),
                    components=components,
                )
                dossier = services.file_online(
                    identity=identity,
                    procedure=procedure,
                    receiving_agency=next(a for a in agencies if a.pk == data["receiving_agency"]),
                    documents=documents,
                    return_channel=data["return_channel"],
                    phone=data["phone"],
                    email=data["email"],
                    summary=data["summary"],
                    opened_at=_opened_at(data["opened"]),
                )
            except DossierError as exc:
                error, status = exc.message, 413 if exc.code == "file_too_large" else 400
            else:
                messages.success(
                    request,
                    _("Đã nộp hồ sơ %(code)s. Bộ phận Một cửa sẽ kiểm tra và tiếp nhận; bạn sẽ được thông báo.")
                    % {"code": dossier.code},
                )
                return redirect("citizen:dossier", code=dossier.code)
        else:
            error, status = _("Vui lòng kiểm tra lại các ô được đánh dấu."), 400
    else:
        form = FilingForm(
            procedure=procedure,
            agencies=agencies,
            initial={
                "phone": identity.phone,
                "email": identity.email,
                "summary": procedure.name,
                "receiving_agency": agencies[0].pk if agencies else None,
                "return_channel": "online" if "online" in (procedure.return_channels or ["online"]) else None,
                "opened": signing.dumps(str(timezone.now().timestamp()), salt=OPENED_SALT),
            },
        )
    context = {
        "procedure": procedure,
        "form": form,
        "known": _prefill(identity),
        "identity": identity,
        "reusable": selectors.reusable_documents(request.user),
        "error": error,
    }
    return render(request, "citizen/file.html", context, status=status)


# -- my dossiers ------------------------------------------------------------------------------------
@citizen_required
def mine(request):
    chosen = preference_for(request.user)
    form = NotificationForm(initial={"email": chosen.email, "sms": chosen.sms})
    dossiers = list(selectors.my_dossiers(request.user))
    owed = selectors.amounts_owed(dossiers)
    for dossier in dossiers:
        dossier.owed = owed.get(dossier.pk, 0)
    return render(request, "citizen/mine.html", {"dossiers": dossiers, "form": form})


@require_POST
@citizen_required
def notifications(request):
    """The channels the applicant wants to be told on."""
    form = NotificationForm(request.POST)
    form.is_valid()  # two check boxes: always valid
    set_preference(user=request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"])
    messages.success(request, _("Đã lưu cách nhận thông báo."))
    return redirect("citizen:mine")


def _mine_or_404(request, code):
    dossier = dossier_selectors.dossier_for(request.user, code)
    if dossier is None or dossier.applicant_user_id != request.user.pk:
        raise Http404(_("Không tìm thấy hồ sơ %(code)s trong hồ sơ của bạn.") % {"code": code})
    return dossier


def _render_dossier(request, dossier, *, status=200, error=None, forms=None):
    forms = forms or {}
    events = [e for e in dossier_selectors.history(dossier) if e.action not in INTERNAL_ACTIONS]
    documents = dossier_selectors.latest_documents(dossier)
    context = {
        "dossier": dossier,
        "events": events,
        "documents": [row for row in documents if not row["latest"].is_result],
        "results": [row for row in documents if row["latest"].is_result and dossier.status == Status.RETURNED],
        "payment": section("payment", dossier, public=False),
        "rating": Rating.objects.filter(dossier=dossier).first(),
        "asked": dossier.missing_documents
        if (dossier.status == Status.SUPPLEMENT or dossier.awaiting_documents)
        else [],
        "components": list(dossier.procedure.documents.all()),
        "reusable": selectors.reusable_documents(request.user, exclude_dossier=dossier),
        "can_withdraw": dossier.is_open,
        "can_rate": dossier.status == Status.RETURNED,
        "supplement_form": forms.get("supplement") or SupplementForm(),
        "withdraw_form": forms.get("withdraw") or WithdrawForm(),
        "rating_form": forms.get("rating") or RatingForm(),
        "error": error,
        "payment_outcome": request.GET.get("thanh_toan", ""),
    }
    return render(request, "citizen/dossier.html", context, status=status)


@citizen_required
def dossier(request, code):
    return _render_dossier(request, _mine_or_404(request, code))


def _refused(request, dossier, exc: DossierError, forms=None):
    status = 413 if exc.code == "file_too_large" else exc.status if 400 <= exc.status < 500 else 400
    return _render_dossier(request, dossier, status=status, error=exc.message, forms=forms)


def _act(request, code, name: str, form_class, act, done: str):
    """A POST from the dossier page: the form checked, the use case run, the page again with its message (or,
    refused, with the refusal and the form as it was sent)."""
    dossier = _mine_or_404(request, code)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_dossier(request, dossier, status=400, forms={name: form})
    try:
        act(dossier, form.cleaned_data)
    except DossierError as exc:
        return _refused(request, dossier, exc, forms={name: form})
    messages.success(request, done % {"code": code})
    return redirect("citizen:dossier", code=code)


@require_POST
@citizen_required
def supplement(request, code):
    """Everything asked for, handed in at once: new versions under the same code, the old ones kept."""

    def hand_in(dossier, data):
        documents = services.document_inputs(
            user=request.user,
            uploads=_uploads(request, dossier.procedure),
            reused=request.POST.getlist("reuse"),
            components={d.code: d.name for d in dossier.procedure.documents.all()},
            adding=request.POST.getlist("add"),
        )
        if not documents:
            raise dossier_services.InvalidInput(_("Hãy tải lên các giấy tờ được yêu cầu bổ sung."))
        dossier_services.submit_supplement(dossier=dossier, actor=request.user, documents=documents, note=data["note"])

    return _act(request, code, "supplement", SupplementForm, hand_in, _("Đã nộp bổ sung hồ sơ %(code)s."))


@require_POST
@citizen_required
def withdraw(request, code):
    def withdraw_it(dossier, data):
        dossier_services.withdraw_dossier(dossier=dossier, actor=request.user, note=data["reason"])

    return _act(request, code, "withdraw", WithdrawForm, withdraw_it, _("Đã rút hồ sơ %(code)s."))


@require_POST
@citizen_required
def rate(request, code):
    def rate_it(dossier, data):
        dossier_services.rate_dossier(dossier=dossier, actor=request.user, **data)

    return _act(request, code, "rating", RatingForm, rate_it, _("Cảm ơn bạn đã đánh giá."))


@require_POST
@citizen_required
def pay(request, code):
    """To the national payment platform's page; it sends the applicant back to `payment_return`."""
    dossier = _mine_or_404(request, code)
    try:
        payment = payment_services.start_online_payment(
            dossier=dossier, actor=request.user, idempotency_key=request.POST.get("key", "")[:255]
        )
    except DossierError as exc:
        return _refused(request, dossier, exc)
    if not payment.pay_url:
        return _render_dossier(
            request,
            dossier,
            status=503,
            error=_("Nền tảng thanh toán chưa sẵn sàng; vui lòng thử lại sau ít phút."),
        )
    return redirect(payment.pay_url)


def payment_return(request):
    """Where the payment platform sends the applicant back (ma_ho_so, ma_giao_dich, trang_thai): the outcome
    is read from the platform itself (a notification may not have arrived yet), then shown on the dossier."""
    reference = request.GET.get("ma_giao_dich", "")[:40]
    payment = Payment.objects.select_related("dossier").filter(reference=reference).first() if reference else None
    if payment is None:
        return render(request, "citizen/payment_unknown.html", status=404)
    payment_services.reconcile_payment(payment_id=payment.pk)
    payment.refresh_from_db()
    code = payment.dossier.code
    if request.user.is_authenticated and payment.dossier.applicant_user_id == request.user.pk:
        return redirect(f"{reverse('citizen:dossier', args=[code])}?{urlencode({'thanh_toan': payment.status})}")
    return redirect(f"{reverse('tracking')}?{urlencode({'ma': code})}")


@citizen_required
def document(request, code, pk):
    """A file of the applicant's own dossier: what he handed in, and the electronic result once returned."""
    dossier = _mine_or_404(request, code)
    version = get_object_or_404(DocumentVersion, pk=pk, dossier=dossier)
    if not version.file or (version.is_result and dossier.status != Status.RETURNED):
        raise Http404(_("Giấy tờ này không có tệp điện tử."))
    filename = version.file.name.rsplit("/", 1)[-1]
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=filename, content_type=version.content_type or None
    )
