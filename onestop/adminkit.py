"""Admin pieces the apps share."""

from .paging import CappedPaginator


class ReadOnlyMixin:
    """For records that change only through the services (history, money, outbox): the admin shows them
    and never adds, edits or deletes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LargeTableAdmin:
    """A change list that does not grow with its table: a capped count and no second count of every row
    (`show_full_result_count`), no date hierarchy (its DISTINCT over every date)."""

    paginator = CappedPaginator
    show_full_result_count = False
    date_hierarchy = None


def money(field: str, label):
    """A list column of a ModelAdmin (assign it to a class attribute) showing the amount in `field` as
    Vietnamese write it: 1.250.000 đ."""
    from django.contrib import admin

    from .formats import vnd

    @admin.display(description=label, ordering=field)
    def column(_model_admin, obj):
        value = getattr(obj, field)
        return "—" if value is None else f"{vnd(value)} đ"

    return column
