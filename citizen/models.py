"""A signed-in applicant's identity as the national e-identity vouches for it (refreshed at each sign-in)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import ApplicantKind


class Identity(models.Model):
    """The e-identity behind a user: a citizen's 12-digit ID number, or a business (its tax code, with the
    ID number of the representative who signs in). Dossiers whose applicant has this ID number (or tax code)
    are the user's."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity")
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    kind = models.PositiveSmallIntegerField(_("loại"), choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    name = models.CharField(_("họ và tên"), max_length=255)
    birthdate = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    org_name = models.CharField(_("tên doanh nghiệp, tổ chức"), max_length=255, blank=True)
    org_address = models.CharField(_("địa chỉ trụ sở"), max_length=500, blank=True)
    signed_in_at = models.DateTimeField(_("đăng nhập lần cuối"), default=timezone.now)

    class Meta:
        verbose_name = _("định danh điện tử")
        verbose_name_plural = _("định danh điện tử")

    def __str__(self):
        return f"{self.id_number} — {self.applicant_name}"

    @property
    def is_business(self) -> bool:
        return self.kind == ApplicantKind.BUSINESS

    @property
    def applicant_name(self) -> str:
        return self.org_name if self.is_business else self.name

    @property
    def applicant_number(self) -> str:
        """What a dossier records as its applicant's number: the tax code of a business, else the ID number."""
        return self.tax_code if self.is_business else self.id_number

    @property
    def applicant_address(self) -> str:
        return self.org_address if self.is_business else self.address
