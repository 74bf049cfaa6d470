"""Serializers of the public REST API (API.md): the catalogue, dossiers in lists and in full, the input of
each action (one serializer per action, so that the OpenAPI schema shows its fields), history and tracking.

Documents in a request body come in one of two shapes:

* JSON: ``"documents": [{"component": "to-khai", "name": "Tờ khai", "paper_copy": true}]``;
* multipart/form-data: one file field per component named ``documents[<component>]`` (e.g.
  ``documents[to-khai]``), and optionally a ``documents`` field holding the JSON list above for
  components handed in on paper.

The modules: `common` (shared fields), `catalogue`, `dossiers` (output), `tracking` (public), `inputs`
(request bodies and documents) and `actions` (one serializer per action).
"""

from dossiers.services import DocumentInput

from .actions import (
    ACTION_SERIALIZERS,
    ActionSerializer,
    ApologizeSerializer,
    AppointmentField,
    AssignSerializer,
    CompleteStepSerializer,
    MissingDocumentField,
    MissingDocumentSerializer,
    PauseSerializer,
    ReceiveSerializer,
    RefuseSerializer,
    RequestSupplementSerializer,
    RequiredNoteMixin,
    ResolveSerializer,
    ResumeSerializer,
    ReturnResultSerializer,
    SendBackSerializer,
    StartSerializer,
    StepActionSerializer,
    StopSerializer,
    SubmitSupplementSerializer,
    WithdrawSerializer,
)
from .catalogue import (
    AgencySerializer,
    FieldRefSerializer,
    ProcedureDocumentSerializer,
    ProcedureSerializer,
    ProcessSerializer,
    ProcessStepSerializer,
)
from .common import AgencyRefSerializer, CodeNameSerializer, CodeRelatedField, ProcedureRefSerializer, UsernameField
from .dossiers import (
    CurrentStepSerializer,
    DocumentSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    DossierStepSerializer,
    EventSerializer,
    FlagsSerializer,
)
from .inputs import (
    DocumentEntrySerializer,
    DocumentsField,
    DocumentUploadSerializer,
    DocumentVersionSerializer,
    DossierCreateSerializer,
)
from .ratings import RatingInputSerializer, RatingSerializer
from .tracking import TimelineEntrySerializer, TrackingSerializer, mask_name

__all__ = [
    "ACTION_SERIALIZERS",
    "ActionSerializer",
    "AgencyRefSerializer",
    "AgencySerializer",
    "ApologizeSerializer",
    "AppointmentField",
    "AssignSerializer",
    "CodeNameSerializer",
    "CodeRelatedField",
    "CompleteStepSerializer",
    "CurrentStepSerializer",
    "DocumentEntrySerializer",
    "DocumentInput",
    "DocumentSerializer",
    "DocumentUploadSerializer",
    "DocumentVersionSerializer",
    "DocumentsField",
    "DossierCreateSerializer",
    "DossierDetailSerializer",
    "DossierListSerializer",
    "DossierStepSerializer",
    "EventSerializer",
    "FieldRefSerializer",
    "FlagsSerializer",
    "MissingDocumentField",
    "MissingDocumentSerializer",
    "PauseSerializer",
    "ProcedureDocumentSerializer",
    "ProcedureRefSerializer",
    "ProcedureSerializer",
    "ProcessSerializer",
    "ProcessStepSerializer",
    "RatingInputSerializer",
    "RatingSerializer",
    "ReceiveSerializer",
    "RefuseSerializer",
    "RequestSupplementSerializer",
    "RequiredNoteMixin",
    "ResolveSerializer",
    "ResumeSerializer",
    "ReturnResultSerializer",
    "SendBackSerializer",
    "StartSerializer",
    "StepActionSerializer",
    "StopSerializer",
    "SubmitSupplementSerializer",
    "TimelineEntrySerializer",
    "TrackingSerializer",
    "UsernameField",
    "WithdrawSerializer",
    "mask_name",
]
