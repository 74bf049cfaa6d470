"""What the officers' layout needs on every page: which links of its navigation the signed-in user may follow."""

from django.utils.functional import SimpleLazyObject

from . import permissions as perms


def officer_navigation(request) -> dict:
    """`can_receive`: the user receives dossiers at a counter (the "Tiếp nhận trực tiếp" link), read only when a
    page asks."""
    user = getattr(request, "user", None)
    return {"can_receive": SimpleLazyObject(lambda: user is not None and perms.is_counter_staff(user))}
