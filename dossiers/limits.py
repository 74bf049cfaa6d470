"""Bounds on what a person may write into a dossier: free text (notes, reasons, the names of missing documents)
and how far ahead an appointment may be re-dated. The API's serializers, the officers' forms and the services
read them here."""

import datetime as dt

# A note or a reason: a paragraph or a few, never a document pasted in (documents are uploaded).
NOTE_MAX_LENGTH = 2000
# A missing document's name or the reason it is asked for.
SHORT_TEXT_MAX_LENGTH = 500
# An apology (form 04) re-dates the appointment by days or weeks; a year ahead is the most it may say.
APPOINTMENT_HORIZON = dt.timedelta(days=366)
