"""Request bodies: documents (JSON or multipart), a new dossier, a document upload."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.models import ApplicantKind, Channel
from dossiers.services import DocumentInput
from onestop import jsonlimits
from workflows.models import Agency, Procedure, ReturnChannel

from .common import CodeRelatedField


class DocumentEntrySerializer(serializers.Serializer):
    component = serializers.SlugField(max_length=60, help_text=_("Mã thành phần hồ sơ (theo danh mục thủ tục)."))
    name = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    paper_copy = serializers.BooleanField(required=False, default=True)


_FILE_FIELD = re.compile(r"^documents\[([A-Za-z0-9_-]+)\]$")


class DocumentsField(serializers.Field):
    """The documents of a request: the JSON list, plus in multipart the files `documents[<component>]`."""

    default_error_messages = {"invalid": _("“documents” phải là danh sách các {{component, name, paper_copy}}.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "JSON: danh sách {component, name, paper_copy}. multipart/form-data: mỗi tệp là một trường "
                "`documents[<mã thành phần>]` (lặp lại trường cho giấy tờ nhiều tệp); trường `documents` "
                "(chuỗi JSON) cho các giấy tờ bản giấy."
            ),
        )
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        value = dictionary.get(self.field_name, serializers.empty)
        if hasattr(dictionary, "getlist") and isinstance(value, str):
            value = value.strip() or []
        files = self.context["request"].FILES if "request" in self.context else {}
        uploads = {m.group(1): files.getlist(key) for key in files if (m := _FILE_FIELD.match(key))}
        if uploads:
            if isinstance(value, str):
                try:
                    value = jsonlimits.loads(value)
                except ValueError:
                    self.fail("invalid")
            entries = value if isinstance(value, list) else []
            return {"entries": entries, "files": uploads}
        return value

    def to_internal_value(self, data):
        files = {}
        if isinstance(data, dict) and "files" in data:
            data, files = data["entries"], data["files"]
        if isinstance(data, str):
            try:
                data = jsonlimits.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, list):
            self.fail("invalid")
        entries = DocumentEntrySerializer(data=data, many=True)
        entries.is_valid(raise_exception=True)
        documents = [
            DocumentInput(component=e["component"], name=e["name"], paper_copy=e["paper_copy"])
            for e in entries.validated_data
            if e["component"] not in files
        ]
        for component, uploads in files.items():
            named = next((e for e in entries.validated_data if e["component"] == component), None)
            documents.extend(
                DocumentInput(
                    component=component,
                    name=named["name"] if named else "",
                    file=upload,
                    paper_copy=bool(named and "paper_copy" in _raw(data, component) and named["paper_copy"]),
                )
                for upload in uploads
            )
        return documents

    def to_representation(self, value):
        return [{"component": d.component, "name": d.name, "paper_copy": d.paper_copy} for d in value]


extend_schema_field(DocumentEntrySerializer(many=True))(DocumentsField)


def _raw(data, component) -> dict:
    return next((e for e in data if isinstance(e, dict) and e.get("component") == component), {})


class DossierCreateSerializer(serializers.Serializer):
    """File a dossier: an applicant online (→ submitted), a counter officer directly (→ received)."""

    procedure = CodeRelatedField(queryset=Procedure.objects.all(), label_vi=_("thủ tục"), help_text=_("Mã TTHC."))
    receiving_agency = CodeRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        label_vi=_("cơ quan"),
        help_text=_("Mã định danh nơi tiếp nhận."),
    )
    competent_agency = CodeRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        label_vi=_("cơ quan"),
        required=False,
        allow_null=True,
        help_text=_("Mã định danh cơ quan giải quyết (mặc định: theo thủ tục)."),
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_("Chỉ cho cán bộ: nhận trực tiếp (counter, mặc định) hay qua bưu chính (post)."),
    )
    applicant_name = serializers.CharField(max_length=255)
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    applicant_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    return_channel = serializers.ChoiceField(choices=ReturnChannel.choices, default=ReturnChannel.COUNTER)
    documents = DocumentsField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentUploadSerializer(serializers.Serializer):
    """multipart/form-data: one new version of a document component (its first file), or with `add` one more
    file of its current version."""

    component = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    file = serializers.FileField(allow_empty_file=True)
    add = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Thêm tệp vào phiên bản hiện tại của giấy tờ (các trang khác) thay vì thay thế các tệp đã nộp."),
    )
    is_result = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version = serializers.IntegerField(required=False, min_value=0)


class DocumentVersionSerializer(serializers.Serializer):
    component = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    part = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    is_result = serializers.BooleanField()
