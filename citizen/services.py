"""Use cases of the applicant's side: signing in with the e-identity, filing online, supplementing and
withdrawing. They change dossiers only through `dossiers.services`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import services as dossier_services
from dossiers.models import ApplicantKind, Channel, DocumentVersion, Dossier
from dossiers.services import DocumentInput, InvalidInput
from workflows.models import Agency, Procedure

from . import conf
from .models import Identity

# A form kept open longer than this is not counted in the submission-time indicator as it stands.
MAX_SUBMISSION_SECONDS = 24 * 3600


def sign_in(*, claims: Mapping) -> Identity:
    """The user behind verified e-identity claims: created at the first sign-in, refreshed at each one; the
    dossiers filed for this ID number (or tax code) without an account become the user's."""
    id_number = str(claims.get("id_number") or claims.get("sub") or "")
    if len(id_number) != 12 or not id_number.isdigit():
        raise InvalidInput(_("Định danh điện tử không có số định danh cá nhân hợp lệ."))
    business = claims.get("kind") == "business"
    birthdate = None
    if claims.get("birthdate"):
        try:
            birthdate = dt.date.fromisoformat(str(claims["birthdate"]))
        except ValueError:
            birthdate = None
    address = claims.get("address") or {}
    values = {
        "kind": ApplicantKind.BUSINESS if business else ApplicantKind.CITIZEN,
        "name": str(claims.get("name") or "")[:255],
        "birthdate": birthdate,
        "address": str(address.get("formatted", "") if isinstance(address, dict) else address)[:500],
        "phone": str(claims.get("phone_number") or "")[:20],
        "email": str(claims.get("email") or "")[:254],
        "tax_code": str(claims.get("tax_code") or "")[:14] if business else "",
        "org_name": str(claims.get("org_name") or "")[:255] if business else "",
        "org_address": str(claims.get("org_address") or "")[:500] if business else "",
        "signed_in_at": timezone.now(),
    }
    with transaction.atomic():
        identity = Identity.objects.select_related("user").filter(id_number=id_number).first()
        if identity is None:
            user = get_user_model().objects.create_user(username=f"vneid-{id_number}", first_name=values["name"][:150])
            identity = Identity(user=user, id_number=id_number)
        for field, value in values.items():
            setattr(identity, field, value)
        identity.save()
        if identity.user.first_name != values["name"][:150]:
            identity.user.first_name = values["name"][:150]
            identity.user.save(update_fields=["first_name"])
        dossier_services.link_applicant_dossiers(user=identity.user, applicant_number=identity.applicant_number)
    return identity


def _reused_file(version: DocumentVersion) -> File:
    version.file.open("rb")
    return File(version.file.file, name=os.path.basename(version.file.name))


def document_inputs(
    *,
    user,
    uploads: Mapping[str, Sequence[UploadedFile]],
    reused: Iterable[int] = (),
    components: Mapping[str, str],
    adding: Iterable[str] = (),
) -> list[DocumentInput]:
    """Documents to hand in: the files uploaded per component (several files of one component are one version
    of it; for the components in `adding` they are added to the files already handed in instead of replacing
    them), and earlier files of the user's own dossiers (Art. 7 of 003: what the state already holds is not
    asked for again) chosen by file id, with the other files of the same version."""
    adding = set(adding)
    documents: list[DocumentInput] = []
    for component, files in uploads.items():
        if component not in components:
            raise InvalidInput(_("Thành phần hồ sơ “%(c)s” không thuộc thủ tục này.") % {"c": component})
        for upload in files:
            dossier_services.validate_upload(upload)
            documents.append(
                DocumentInput(component=component, name=components[component], file=upload, add=component in adding)
            )
    wanted = {int(pk) for pk in reused}
    if wanted:
        earlier = DocumentVersion.objects.filter(pk__in=wanted, dossier__applicant_user=user).exclude(file="")
        found = {version.pk: version for version in earlier}
        if set(found) != wanted:
            raise InvalidInput(_("Có giấy tờ chọn dùng lại không thuộc hồ sơ của bạn."))
        for version in found.values():
            target = version.component if version.component in components else _target_of(version, components)
            siblings = (
                DocumentVersion.objects.filter(
                    dossier_id=version.dossier_id, component=version.component, version=version.version
                )
                .exclude(file="")
                .order_by("part")
            )
            for part in siblings:
                documents.append(
                    DocumentInput(
                        component=target, name=components[target], file=_reused_file(part), add=target in adding
                    )
                )
    if len(documents) > conf.upload_max_files():
        raise InvalidInput(_("Mỗi lần nộp tối đa %(n)d tệp.") % {"n": conf.upload_max_files()})
    return documents


def _target_of(version: DocumentVersion, components: Mapping[str, str]) -> str:
    """The component of this procedure an earlier document (or result) of another procedure stands for: the
    one with the same name."""
    for code, name in components.items():
        if name.strip().lower() == version.name.strip().lower():
            return code
    raise InvalidInput(_("Giấy tờ “%(name)s” không khớp thành phần nào của thủ tục này.") % {"name": version.name})


def file_online(
    *,
    identity: Identity,
    procedure: Procedure,
    receiving_agency: Agency,
    documents: Sequence[DocumentInput],
    return_channel: str,
    phone: str = "",
    email: str = "",
    summary: str = "",
    opened_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """File a dossier online with what the e-identity vouches for; the time from opening the form to
    submitting is kept on the dossier for the submission-time indicator."""
    at = at or timezone.now()
    seconds = None
    if opened_at is not None and dt.timedelta(0) <= at - opened_at <= dt.timedelta(seconds=MAX_SUBMISSION_SECONDS):
        seconds = max(1, round((at - opened_at).total_seconds()))
    return dossier_services.create_dossier(
        actor=identity.user,
        applicant_user=identity.user,
        procedure=procedure,
        channel=Channel.ONLINE,
        receiving_agency=receiving_agency,
        applicant_name=identity.applicant_name,
        applicant_kind=identity.kind,
        applicant_id_number=identity.applicant_number,
        applicant_phone=phone.strip(),
        applicant_email=email.strip(),
        applicant_address=identity.applicant_address,
        summary=summary.strip() or procedure.name,
        return_channel=return_channel,
        documents=documents,
        at=at,
        submission_seconds=seconds,
    )
