"""The applicant's satisfaction rating of a returned dossier (DOMAIN §3 "Satisfaction"): once per dossier,
only after the result is returned, only by its applicant."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions as perms
from ..models import Dossier, Rating, RatingValue, Status
from .errors import ActionForbidden, DossierError, InvalidInput, TransitionNotAllowed

MAX_COMMENT = 2000


class AlreadyRated(DossierError):
    status, code = 409, "already_rated"


def rate_dossier(*, dossier: Dossier, actor, value: str, comment: str = "", at: dt.datetime | None = None) -> Rating:
    """Record the applicant's rating; refused before the result is returned and a second time."""
    if value not in RatingValue.values:
        message = _("Chọn một mức: rất hài lòng, hài lòng hoặc không hài lòng.")
        raise InvalidInput(message, errors={"value": [message]})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        message = _("Góp ý dài quá %(n)d ký tự.") % {"n": MAX_COMMENT}
        raise InvalidInput(message, errors={"comment": [message]})
    if not perms.is_applicant(dossier, actor):
        raise ActionForbidden(_("Chỉ người nộp hồ sơ mới đánh giá được hồ sơ này."))
    if dossier.status != Status.RETURNED:
        raise TransitionNotAllowed(
            _("Hồ sơ chưa trả kết quả nên chưa thể đánh giá; bạn đánh giá được sau khi nhận kết quả."),
            code="not_returned",
        )
    try:
        with transaction.atomic():
            return Rating.objects.create(
                dossier=dossier, value=value, comment=comment, rated_by=actor, rated_at=at or timezone.now()
            )
    except IntegrityError:
        raise AlreadyRated(_("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.")) from None
