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
