from django.dispatch import Signal

# Sent when a row the working calendars are computed from (an agency's hours, a day off) is saved or deleted;
# `workflows.calendar` forgets its cached calendars (sender=the model).
calendar_input_changed = Signal()
