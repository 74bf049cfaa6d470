from django.dispatch import Signal

# Sent inside the transaction of every recorded change, after its history row is written:
# sender=Dossier, dossier=…, event=DossierEvent, previous_status=str. Receivers that write rows
# (the portal outbox) commit or roll back with the change.
dossier_changed = Signal()
