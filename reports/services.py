"""Keeping the figures: a dossier's fact and the summaries follow each change that moves a figure (in the
change's transaction), and `rebuild` recomputes them all from the dossiers' own rows."""

from __future__ import annotations

from django.db import connection, transaction

from dossiers.models import Dossier, Rating, Status
from payments.models import Method, Payment, PaymentStatus
from payments.selectors import is_fully_online

from .facts import add_sums, apply, difference, fact_of, live_fact, same, save_facts
from .models import DossierFact, Summary


def refresh_dossier(*, dossier: Dossier) -> None:
    """Bring the dossier's fact and the summaries it counts in up to date (call inside its transaction)."""
    before = DossierFact.objects.filter(pk=dossier.pk).first()
    after = live_fact(dossier, before=before)
    if same(before, after):
        return
    save_facts([after])
    apply(difference(before, after))


def _chunks(queryset, size):
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def refresh_facts(*, batch: int = 2000, progress=None) -> int:
    """Recompute every dossier's fact from its rows (a dossier still only filed online has none). Flags only
    an import recorded (paid online, fully online) are kept. Returns how many facts were written."""
    written = 0
    dossiers = Dossier.objects.exclude(status=Status.SUBMITTED)
    for chunk in _chunks(dossiers, batch):
        ids = [d.pk for d in chunk]
        before = DossierFact.objects.in_bulk(ids)
        paid = set(
            Payment.objects.filter(
                dossier_id__in=ids, method=Method.ONLINE, status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED)
            ).values_list("dossier_id", flat=True)
        )
        ratings = {r.dossier_id: r for r in Rating.objects.filter(dossier_id__in=ids)}
        facts = []
        for dossier in chunk:
            old = before.get(dossier.pk)
            fully = bool(old and old.fully_online)
            if dossier.status == Status.RETURNED and not fully and dossier.channel == "online":
                fully = is_fully_online(dossier)
            facts.append(
                fact_of(
                    dossier,
                    paid_online=dossier.pk in paid or bool(old and old.paid_online),
                    fully_online=fully,
                    rating=ratings.get(dossier.pk),
                )
            )
        for fact in facts:
            fact.imported = fact.dossier_id in before and before[fact.dossier_id].imported
        with transaction.atomic():
            save_facts(facts)
        written += len(facts)
        if progress:
            progress(len(facts))
    return written


def rebuild_summaries(*, progress=None) -> int:
    """Replace the summary tables with the sums of the fact rows, in one set-based statement (the twin of
    `contributions` in SQL). Returns the number of summary rows."""
    with transaction.atomic():
        Summary.objects.all().delete()
        add_sums(connection.ops.quote_name(DossierFact._meta.db_table))
        rows = Summary.objects.count()
    if progress:
        progress(rows)
    return rows
