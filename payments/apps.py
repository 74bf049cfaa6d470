from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Fees and payments (phí, lệ phí): amounts due, payment records, the online payment platform."""

    name = "payments"
    verbose_name = _("Phí, lệ phí và thanh toán")
