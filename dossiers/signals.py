from django.dispatch import Signal

# Sent inside the transaction of every recorded change, after its history row is written (`event.pk` is set):
# sender=Dossier, dossier=…, event=DossierEvent, previous_status=str. Receivers that write rows
# (the portal outbox) commit or roll back with the change. Its receivers are looked up once per sender and kept
# until one connects or disconnects, as for Django's model signals.
dossier_changed = Signal(use_caching=True)
