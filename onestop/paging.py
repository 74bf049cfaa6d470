"""Pages of tables that grow to millions of rows: counted up to a cap, so a page costs the same at any size.

A list shows its first page and how many rows it has; past `CAP` rows it says "more than CAP" instead of
counting every row (a COUNT over every visible row is what made a worklist take seconds at a million
dossiers). The pages within the cap can be reached; a search or a filter narrows a longer list.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

CAP = 10_000


def capped_count(queryset, cap: int) -> int:
    """The number of rows of `queryset`, or `cap` + 1 when there are more (one COUNT over a LIMIT)."""
    return queryset.order_by()[: cap + 1].count()


class CappedPage(Page):
    def end_index(self):
        """The last row's number on this page, from the rows it holds (the count may stop short of them)."""
        return self.start_index() + len(self) - 1 if len(self) else 0


class CappedPaginator(Paginator):
    """Django's paginator with a capped count (`is_capped` when the list is longer than the cap)."""

    @property
    def cap(self) -> int:
        return CAP

    @cached_property
    def count(self):
        return capped_count(self.object_list, self.cap)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        """As Django's, except that a page of a capped list is full (the rows past the count are there)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_capped and top + self.orphans >= self.count:
            top = self.count
        return CappedPage(self.object_list[bottom:top], number, self)


class CappedPageNumberPagination(PageNumberPagination):
    """DRF's page-number pagination with a capped count: `count` stops at the cap + 1 and `count_capped`
    says when it did."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.is_capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true when the list is longer than the count shows (counting stopped at 10,001)",
        }
        return schema
