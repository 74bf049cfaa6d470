"""Factories for the catalogue and people. A dossier in a given state is made through the services, by
`tests.factories.drive`, so that tests start from states the system itself can reach."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from workflows.models import (
    Agency,
    AgencyTier,
    Field,
    Membership,
    OnlineLevel,
    Procedure,
    ProcedureDocument,
    ProcessStep,
    ProcessVersion,
    StaffRole,
)

User = get_user_model()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.{n // 100:02d}.{n % 100:02d}.H52")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    tier = AgencyTier.DEPARTMENT


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "HT"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.00{n:04d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    agency_level = "province"
    competent_agency = factory.SubFactory(AgencyFactory)
    time_limit = Decimal(3)
    online_level = OnlineLevel.PARTIAL
    fee_amount = 0
    return_channels = ["counter", "post", "online"]

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        if not create:
            return
        # A required form and an optional copy of the ID card, unless the test names its components.
        components = extracted or [("to-khai", "Tờ khai", True), ("cccd", "Căn cước", False)]
        for i, (code, name, *required) in enumerate(components, 1):
            ProcedureDocument.objects.create(
                procedure=self, code=code, name=name, order=i, required=required[0] if required else True
            )


# Four steps that add up to 3 working days (24 hours): the shape most provincial processes have.
DEFAULT_STEPS = (
    ("Tiếp nhận", StaffRole.COUNTER, "4"),
    ("Thẩm định", StaffRole.SPECIALIST, "12"),
    ("Phê duyệt", StaffRole.LEADER, "4"),
    ("Ký", StaffRole.LEADER, "4"),
)


def make_process(procedure, steps=DEFAULT_STEPS, *, publish=True, agency=None) -> ProcessVersion:
    version = ProcessVersion.objects.create(procedure=procedure, agency=agency)
    for order, (name, role, hours) in enumerate(steps, 1):
        ProcessStep.objects.create(process=version, order=order, name=name, role=role, time_limit_hours=Decimal(hours))
    if publish:
        version.publish()
    return version


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.django.Password("matkhau123")


def officer(agency, role, username=None) -> User:
    user = UserFactory(username=username or f"{role}-{agency.pk}")
    Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


def at(year, month, day, hour=9, minute=0) -> dt.datetime:
    """An aware instant in Asia/Ho_Chi_Minh."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def complete_documents(procedure, *, files: bool = False) -> list:
    """Every required component of `procedure`: paper copies (at the counter) or scanned PDF files (online)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers.services import DocumentInput

    return [
        DocumentInput(
            component=d.code,
            file=SimpleUploadedFile(f"{d.code}.pdf", PDF_BYTES) if files else None,
            paper_copy=not files,
        )
        for d in procedure.documents.all()
        if d.required
    ]
