"""Notifications to applicants (receipt, supplement request, fee due, apology with a new appointment, refusal,
result ready) by e-mail through Django's e-mail backends and by SMS through a pluggable gateway (a simulated
one by default, whose messages are kept to be seen). An app of its own because it keeps its own records (one
per event and channel, so that nothing is sent twice) and preferences, and is reached from dossiers only
through the `dossier_changed` signal. Its rows are an outbox written in the change's own transaction; a
Celery task kicked after the commit sends them, and a periodic sweeper sends what is still pending, with
backoff."""
