"""Admin pieces the apps share."""


class ReadOnlyMixin:
    """For records that change only through the services (history, money, outbox): the admin shows them
    and never adds, edits or deletes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
