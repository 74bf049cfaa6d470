from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Fees and payments (phí, lệ phí): amounts due, payment records, the online payment platform."""

    name = "payments"
    verbose_name = _("Phí, lệ phí và thanh toán")

    def ready(self):
        from dossiers.extensions import register_card, register_outstanding, register_section
        from dossiers.gates import register_return_gate, register_start_gate
        from onestop.celery import app

        from . import (
            receivers,  # noqa: F401 - connects the dossier_changed receiver
            tasks,  # noqa: F401 - registers the tasks the services queue by name
        )
        from .officer_views import fee_card
        from .selectors import outstanding_amounts
        from .serializers import payment_section
        from .services import return_gate, start_gate

        register_start_gate(start_gate)
        register_return_gate(return_gate)
        register_section("payment", payment_section)
        register_outstanding(outstanding_amounts)
        register_card("payment", template="payments/officer/fee_card.html", context=fee_card)
        app.conf.beat_schedule.update(
            {"payments-sweep": {"task": "payments.sweep_payments", "schedule": 60.0}},
        )
