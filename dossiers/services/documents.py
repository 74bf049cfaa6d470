"""Document versions: uploads checked, completeness, and adding documents to a dossier."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Max
from django.utils.translation import gettext as _

from workflows.models import Procedure, ProcedureDocument

from .. import permissions as perms
from ..models import Action, DocumentVersion, Dossier, Status
from ..selectors import missing_components
from .errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from .recording import transition


@dataclass
class DocumentInput:
    """A file (or a paper copy) of one of the procedure's components. Several inputs of the same component
    handed in together are the files (pages) of one version of it. With `add`, they join the component's
    current version (files added to those already handed in) instead of making a new one (files replaced)."""

    component: str
    name: str = ""
    file: UploadedFile | None = None
    paper_copy: bool = False
    add: bool = False

    @classmethod
    def paper_copy_of(cls, document: ProcedureDocument) -> DocumentInput:
        """A paper copy of one of the procedure's components, handed in at the counter."""
        return cls(component=document.code, name=document.name, paper_copy=True)


_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"<?xml", "application/xml"),
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def validate_upload(upload: UploadedFile) -> str:
    """The file's real type, or an InvalidInput saying what is wrong with it."""
    if upload.size is None or upload.size == 0:
        raise InvalidInput(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise InvalidInput(
            _("Tệp “%(name)s” dung lượng %(size).1f MB, vượt giới hạn %(limit).0f MB.")
            % {"name": upload.name, "size": upload.size / 1e6, "limit": settings.DOCUMENT_MAX_BYTES / 1e6},
            code="file_too_large",
        )
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type not in settings.DOCUMENT_ALLOWED_TYPES:
        raise InvalidInput(
            _("Tệp “%(name)s” không đúng định dạng cho phép (PDF, JPEG, PNG, DOCX, XML).") % {"name": upload.name},
            code="unsupported_file_type",
        )
    return content_type


def check_complete(
    *, documents: Iterable[DocumentInput], dossier: Dossier | None = None, procedure: Procedure | None = None
) -> None:
    """A dossier is received only when every required component is there, already filed or given now (a
    document without a file is a paper copy); an incomplete one gets one complete list of what is missing
    through a supplement request instead (DOMAIN §2). The receipt services refuse with this; a receipt form
    may call it first (with the `procedure`, before the dossier exists) to show the same refusal."""
    lacking = missing_components(dossier=dossier, procedure=procedure, given={d.component for d in documents})
    missing = [d.name for d in lacking]
    if missing:
        raise InvalidInput(
            _(
                "Chưa đủ thành phần hồ sơ bắt buộc: %(names)s. Chưa thể tiếp nhận; hãy yêu cầu bổ sung "
                "(hướng dẫn một lần, đầy đủ)."
            )
            % {"names": "; ".join(missing)},
            errors={"documents": missing},
        )


def _add_documents(
    dossier: Dossier, documents: Iterable[DocumentInput], actor, *, is_result=False
) -> list[DocumentVersion]:
    """Insert the files handed in. The inputs of one component make one new version of it, its files
    numbered as parts 1, 2, …; inputs marked `add` continue the parts of the component's current version."""
    documents = list(documents)
    if not documents:
        return []
    known = {d.code: d.name for d in dossier.procedure.documents.all()}
    current = _current_parts(dossier)
    target: dict[str, list[int]] = {}  # component → [version, last part] of this call
    created = []
    for doc in documents:
        if not doc.component:
            raise InvalidInput(_("Thiếu mã thành phần hồ sơ của giấy tờ."))
        content_type, digest, size = "", "", 0
        if doc.file is not None:
            content_type = validate_upload(doc.file)
            sha = hashlib.sha256()
            for chunk in doc.file.chunks():
                sha.update(chunk)
            digest, size = sha.hexdigest(), doc.file.size
            doc.file.seek(0)
        if doc.component not in target:
            version, part = current.get(doc.component, (0, 0))
            target[doc.component] = [version, part] if doc.add and version else [version + 1, 0]
        slot = target[doc.component]
        slot[1] += 1
        version = DocumentVersion(
            dossier=dossier,
            component=doc.component,
            name=doc.name or known.get(doc.component, doc.component),
            version=slot[0],
            part=slot[1],
            content_type=content_type,
            size=size,
            sha256=digest,
            is_result=is_result,
            paper_copy=doc.paper_copy or doc.file is None,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        if doc.file is not None:
            version.file.save(doc.file.name, doc.file, save=False)
        version.save()
        created.append(version)
    return created


def _current_parts(dossier: Dossier) -> dict[str, tuple[int, int]]:
    """Of each component of the dossier: its current version and that version's last part (one query)."""
    current: dict[str, tuple[int, int]] = {}
    parts = (
        DocumentVersion.objects.filter(dossier=dossier)
        .order_by()
        .values_list("component", "version")
        .annotate(p=Max("part"))
        .values_list("component", "version", "p")
    )
    for component, version, part in parts:
        if version > current.get(component, (0, 0))[0]:
            current[component] = (version, part)
    return current


def _doc_refs(versions: Sequence[DocumentVersion]) -> list[dict]:
    return [
        {"id": v.pk, "component": v.component, "version": v.version, "part": v.part, "name": v.name} for v in versions
    ]


def add_documents(
    *,
    dossier,
    actor,
    documents: Sequence[DocumentInput],
    note: str = "",
    is_result: bool = False,
    expected_version=None,
    at=None,
) -> list[DocumentVersion]:
    """Add document versions to an open (or, for results, resolved) dossier; recorded in history."""
    with transition(
        dossier, Action.ADD_DOCUMENT, actor, expected_version=expected_version, at=at, check=False
    ) as change:
        dossier = change.dossier
        allowed = perms.applicant_or_counter(dossier, actor) or perms.handles_current_step(dossier, actor)
        if not allowed:
            raise ActionForbidden(_("Bạn không có quyền thêm giấy tờ vào hồ sơ %(code)s.") % {"code": dossier.code})
        if not dossier.is_open and not (is_result and dossier.status == Status.RESOLVED):
            raise TransitionNotAllowed(
                _("Hồ sơ ở trạng thái “%(state)s” không nhận thêm giấy tờ.") % {"state": dossier.get_status_display()},
                current_status=dossier.status,
            )
        versions = _add_documents(dossier, documents, actor, is_result=is_result)
        change.note, change.data = note, {"documents": _doc_refs(versions)}
    return versions
