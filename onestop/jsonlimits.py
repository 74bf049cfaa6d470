"""JSON from outside, bounded: a document nested deeper than MAX_DEPTH is refused as malformed (ValueError),
never a RecursionError deep in a view, a serializer or the JSON encoder that stores it."""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def too_deep(value, limit: int = MAX_DEPTH) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item)
    return False


def loads(text: str | bytes):
    """json.loads, refusing nesting deeper than MAX_DEPTH with a ValueError."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if too_deep(value):
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing documents nested deeper than MAX_DEPTH (400, as any malformed body)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError() from None
        if too_deep(data):
            raise ParseError()
        return data
