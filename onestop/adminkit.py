"""Admin pieces the apps share."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class ReadOnlyMixin:
    """For records that change only through the services (history, money, outbox): the admin shows them
    and never adds, edits or deletes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CappedPaginator(Paginator):
    """A paginator for tables of millions of rows: it counts at most `CAP` + 1 of them (a COUNT over a LIMIT),
    so a change list costs the same at any size; past the cap, the pages after it are not offered."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()


class LargeTableAdmin:
    """A change list that does not grow with its table: a capped count and no second count of every row
    (`show_full_result_count`), no date hierarchy (its DISTINCT over every date)."""

    paginator = CappedPaginator
    show_full_result_count = False
    date_hierarchy = None
