"""Small pieces the API's serializers share: references by code, users by username, local times."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

User = get_user_model()


class CodeNameSerializer(serializers.Serializer):
    """A catalogue row as its code and name (each kind keeps its own schema component)."""

    code = serializers.CharField()
    name = serializers.CharField()


class AgencyRefSerializer(CodeNameSerializer):
    pass


class ProcedureRefSerializer(CodeNameSerializer):
    pass


class CodeRelatedField(serializers.SlugRelatedField):
    """A catalogue row named by its code; an unknown code is refused with a message naming it."""

    def __init__(self, *, label_vi: str, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)
        self.label_vi = label_vi

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(**{self.slug_field: str(data).strip()})
        except (TypeError, ValueError, self.get_queryset().model.DoesNotExist):
            raise serializers.ValidationError(
                _("Không có %(what)s mã “%(code)s”.") % {"what": self.label_vi, "code": data}, code="does_not_exist"
            ) from None


class UsernameField(serializers.SlugRelatedField):
    """An officer named by his username; an unknown one is refused with a message naming it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(username=str(data).strip())
        except User.DoesNotExist:
            raise serializers.ValidationError(
                _("Không có cán bộ có tên đăng nhập “%(u)s”.") % {"u": data}, code="does_not_exist"
            ) from None


def _local(value: dt.datetime | None):
    return timezone.localtime(value) if value else None
