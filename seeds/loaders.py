"""Load the Sơn La seed data (``seeds/data``) idempotently: the catalogue is keyed by code, people by
username, demo dossiers by a stable story key written in the note of their first history row.

Dossiers are made only through `dossiers.services`, with `at=` instants placed in working time before
the moment the seed runs, so that their histories, clocks and due dates are those the system computes.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from dossiers import services
from dossiers.models import DossierEvent, Status
from dossiers.services import DocumentInput, TransitionNotAllowed
from payments.models import FeeExemption
from workflows.calendar import calendar_for, load_national_year
from workflows.models import (
    Agency,
    Field,
    Membership,
    Procedure,
    ProcedureDocument,
    ProcessStatus,
    ProcessStep,
    ProcessVersion,
    StaffRole,
)

from .data import agencies as agency_data
from .data import catalogue, indicators, people, stories

STORY_MARK = "Hồ sơ mẫu "
HOUR = 3600.0


@dataclass
class SeedReport:
    """What a run did: counts per table, demo logins, and anything it had to leave out."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# The demo's waivers for online filings apply to every dossier of the demo's years.
ONLINE_WAIVERS_FROM = dt.date(2024, 1, 1)


# -- calendar and catalogue -------------------------------------------------------------------------
def load_calendar(years) -> None:
    for year in sorted(set(years)):
        load_national_year(year)


def load_agencies(report: SeedReport) -> dict[str, Agency]:
    found: dict[str, Agency] = {}
    for code, name, short_name, tier, parent, active in agency_data.AGENCIES:
        agency, created = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "tier": tier,
                "parent": found[parent] if parent else None,
                "is_active": active,
            },
        )
        report.created["agencies"] += created
        found[code] = agency
    return found


def load_fields(report: SeedReport) -> dict[str, Field]:
    found = {}
    for code, name in catalogue.FIELDS:
        found[code], created = Field.objects.update_or_create(code=code, defaults={"name": name})
        report.created["fields"] += created
    return found


def load_procedures(agencies, fields, report: SeedReport) -> dict[str, Procedure]:
    found = {}
    for data in catalogue.PROCEDURES:
        competent = data["competent_agency"]
        procedure, created = Procedure.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "field": fields[data["field"]],
                "agency_level": data["agency_level"],
                "competent_agency": agencies[competent] if competent else None,
                "time_limit": data["time_limit"],
                "time_unit": data["time_unit"],
                "online_level": data["online_level"],
                "fee_amount": data["fee_amount"],
                "fee_note": data["fee_note"],
                "supplement_policy": data["supplement_policy"],
                "return_channels": data["return_channels"],
                "is_active": True,
            },
        )
        report.created["procedures"] += created
        codes = []
        for order, (code, name) in enumerate(data["documents"], 1):
            ProcedureDocument.objects.update_or_create(
                procedure=procedure, code=code, defaults={"name": name, "order": order, "required": True}
            )
            codes.append(code)
        ProcedureDocument.objects.filter(procedure=procedure).exclude(code__in=codes).delete()
        if data["online_exemption"]:
            _, created = FeeExemption.objects.update_or_create(
                procedure=procedure,
                fee_item=None,
                online_only=True,
                defaults={"name": data["online_exemption"], "percent": 100, "valid_from": ONLINE_WAIVERS_FROM},
            )
            report.created["fee exemptions"] += created
        found[procedure.code] = procedure
    return found


def _signature_of_rows(rows, agencies) -> tuple:
    return tuple(
        (order, name, kind, role, unit, agencies[agency].pk if agency else None, Decimal(hours).normalize())
        for order, (name, kind, role, unit, agency, hours) in enumerate(rows, 1)
    )


def _signature_of_version(version: ProcessVersion) -> tuple:
    return tuple(
        (s.order, s.name, s.kind, s.role, s.unit, s.agency_id, Decimal(s.time_limit_hours).normalize())
        for s in version.ordered_steps()
    )


def _new_version(procedure, rows, agencies, note="") -> ProcessVersion:
    version = ProcessVersion.objects.create(procedure=procedure, note=note)
    for order, (name, kind, role, unit, agency, hours) in enumerate(rows, 1):
        ProcessStep.objects.create(
            process=version,
            order=order,
            name=name,
            kind=kind,
            role=role,
            unit=unit,
            agency=agencies[agency] if agency else None,
            time_limit_hours=hours,
        )
    return version


def load_processes(procedures, agencies, admin, report: SeedReport) -> None:
    """One published process per procedure, as the data says. A procedure with no process gets its
    history first (a retired v1, or a v2 draft left open); a published process that differs from the
    data is replaced by a new published version, the way an admin would change it."""
    for data in catalogue.PROCEDURES:
        procedure = procedures[data["code"]]
        versions = ProcessVersion.objects.filter(procedure=procedure, agency__isnull=True)
        published = versions.filter(status=ProcessStatus.PUBLISHED).order_by("-number").first()
        wanted = _signature_of_rows(data["process"], agencies)
        if published is not None and _signature_of_version(published) == wanted:
            continue
        if not versions.exists() and data["versioning"] == "retired_v1":
            old = _new_version(procedure, data["old_process"], agencies, note="Quy trình ban hành lần đầu")
            old.publish(by=admin)
            report.created["process_versions"] += 1
        version = _new_version(procedure, data["process"], agencies, note="Quy trình nội bộ hiện hành")
        version.publish(by=admin)
        report.created["process_versions"] += 1
        if data["versioning"] == "draft_v2" and not versions.filter(status=ProcessStatus.DRAFT).exists():
            draft = version.new_draft()
            draft.note = "Dự thảo: rút ngắn thời gian thẩm định, tăng thời gian phê duyệt"
            draft.save()
            steps = draft.ordered_steps()
            appraise = next(s for s in steps if s.kind == "appraise")
            approve = next(s for s in steps if s.kind == "approve")
            appraise.time_limit_hours -= 4
            approve.time_limit_hours += 4
            appraise.save()
            approve.save()
            report.created["process_versions"] += 1


@transaction.atomic
def load_catalogue(report: SeedReport):
    agencies = load_agencies(report)
    fields = load_fields(report)
    procedures = load_procedures(agencies, fields, report)
    return agencies, fields, procedures


# -- people -----------------------------------------------------------------------------------------
@transaction.atomic
def load_people(agencies, report: SeedReport) -> dict:
    """Users with their memberships and API tokens. A password is set only when the user is created, so
    a second run keeps whatever a person changed (one hash per demo password keeps the run quick)."""
    User = get_user_model()
    hashes: dict[str, str] = {}
    users = {}
    for username, full_name, password_key, superuser, memberships in people.USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            if password_key not in hashes:
                hashes[password_key] = make_password(people.PASSWORDS[password_key])
            user = User.objects.create(
                username=username,
                first_name=full_name,
                email=f"{username.replace('.', '_')}@demo.sonla.gov.vn",
                is_superuser=superuser,
                is_staff=superuser,
                password=hashes[password_key],
            )
            report.created["users"] += 1
        for code, role, unit in memberships:
            _, created = Membership.objects.update_or_create(
                user=user, agency=agencies[code], role=role, defaults={"unit": unit}
            )
            report.created["memberships"] += created
        token, created = Token.objects.get_or_create(user=user)
        report.created["tokens"] += created
        roles = ", ".join(f"{StaffRole(role).label} — {agencies[code].short_name}" for code, role, _ in memberships)
        report.logins.append((username, people.PASSWORDS[password_key], token.key, roles or "Người nộp hồ sơ"))
        users[username] = user
    return users


# -- demo dossiers ----------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n% onestop demo document\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", PDF, content_type="application/pdf")


@dataclass
class Op:
    at: float  # working hours after the dossier was filed
    name: str
    args: dict = field(default_factory=dict)


class StoryPlayer:
    """Plays the stories of `seeds.data.stories` through the dossier services."""

    def __init__(self, *, now, agencies, procedures, users, report: SeedReport):
        self.now = now
        self.agencies = agencies
        self.procedures = procedures
        self.users = users
        self.report = report
        self.calendar = calendar_for(None)
        self.summaries = {p["code"]: p["summary"] for p in catalogue.PROCEDURES}
        self.turn = 0
        self.members: dict[tuple[int, str], list[tuple[str, object]]] = defaultdict(list)
        for m in Membership.objects.select_related("user").order_by("id"):
            self.members[(m.agency_id, m.role)].append((m.unit, m.user))

    # -- people -------------------------------------------------------------------------------------
    def _member(self, agency, role, unit=""):
        found = self.members.get((agency.pk, role), [])
        for member_unit, user in found:
            if unit and member_unit == unit:
                return user
        # Several officers with the same role share the work, story by story.
        return found[self.turn % len(found)][1] if found else None

    def _counter(self, agency):
        return self._member(agency, StaffRole.COUNTER) or self.users["quantri"]

    def _leader(self, dossier):
        return self._member(dossier.competent_agency, StaffRole.LEADER) or self.users["quantri"]

    def _step_actor(self, dossier):
        step = dossier.current_step
        return self._member(step.agency, step.role, step.process_step.unit) or self._leader(dossier)

    def _applicant_actor(self, dossier):
        return dossier.applicant_user or self._counter(dossier.receiving_agency)

    # -- planning -----------------------------------------------------------------------------------
    def plan(self, s: dict, procedure: Procedure, steps: list[ProcessStep]) -> tuple[list[Op], float]:
        """The operations of a story in working hours after filing, and the legal due offset."""
        state, online = s["state"], s["channel"] == "online"
        limit = float(procedure.time_limit_hours)
        hours = [float(step.time_limit_hours) for step in steps]
        ops = [Op(0.0, "create")]
        if state == "submitted":
            if s.get("awaiting"):
                ops.append(Op(1.0, "request_at_receipt"))
            return ops, limit
        if state == "rejected":
            ops.append(Op(1.5, "refuse", {"reason": s["reason"]}))
            return ops, limit
        if state == "withdrawn" and s["withdraw_from"] == "submitted":
            ops.append(Op(2.0, "withdraw"))
            return ops, limit
        t = 0.0
        if online:
            t = 0.5
            ops.append(Op(t, "receive"))
        if state == "received":
            return ops, limit
        if state == "withdrawn" and s["withdraw_from"] == "received":
            ops.append(Op(t + 4.0, "withdraw"))
            return ops, limit
        t += 0.25
        ops.append(Op(t, "start"))
        start_at = t
        finishing = state in ("resolved", "returned")
        done = len(steps) if finishing else s.get("done", 0)
        wait = float(s.get("wait", 0))
        restart = procedure.supplement_policy == "restart"
        # The supplement or pause round happens in the middle of one step: another agency's step for a
        # pause if there is one, else the appraisal step (never past the step the story reaches).
        consult = next((i for i in range(1, len(steps) - 1) if steps[i].agency_id), None)
        round_kind = (
            "supplement" if s.get("supplement") else ("pause" if s.get("pause") and state != "paused" else None)
        )
        round_step = min(consult if round_kind == "pause" and consult else 1, done)
        before_round = sum(hours[:round_step]) + 0.5 * hours[round_step] if round_kind else 0.0
        if finishing:
            verdict = s["verdict"]
            lateness = max(4.0, 0.25 * limit)
            if round_kind == "supplement" and restart:
                rest = limit - before_round
                pace = {"early": 0.5, "on_time": (limit - 0.1) / rest, "late": (limit + lateness) / rest}[verdict]
            else:
                pace = {
                    "early": 0.5,
                    "on_time": (limit - 0.1 - start_at) / limit,
                    "late": (limit + lateness - start_at) / limit,
                }[verdict]
        else:
            pace, lateness = 0.8, 0.0
        refuse_at = (
            next((i for i, step in enumerate(steps) if step.kind == "approve"), None) if s.get("refused") else None
        )
        due = limit + (wait if round_kind and not (round_kind == "supplement" and restart) else 0.0)
        if round_kind == "supplement" and restart:
            due = start_at + pace * before_round + wait + limit
        elapsed = start_at
        for index in range(done):
            if round_kind and index == round_step:
                mid = elapsed + pace * 0.5 * hours[index]
                if round_kind == "supplement":
                    ops += [Op(mid, "request_supplement"), Op(mid + wait, "submit_supplement")]
                else:
                    ops += [Op(mid, "pause", {"reason": s["pause"]}), Op(mid + wait, "resume")]
                elapsed += wait
            elapsed += pace * hours[index]
            last = finishing and index == len(steps) - 1
            if finishing and index == refuse_at:
                ops.append(Op(elapsed, "resolve_refused"))
                break
            ops.append(Op(elapsed, "complete", {"final": last, "on_time": last and s.get("verdict") == "on_time"}))
        if round_kind and round_step == done and not finishing:
            mid = elapsed + pace * 0.5 * hours[done]
            name = ("request_supplement", "submit_supplement") if round_kind == "supplement" else ("pause", "resume")
            ops += [Op(mid, name[0], {"reason": s.get("pause", "")}), Op(mid + wait, name[1])]
            elapsed = mid + wait
        if finishing and s.get("apology"):
            ops.append(Op(due - 2.0, "apologize", {"extra": lateness + 8.0}))
        if state == "returned":
            ops.append(Op(elapsed + (4.0 if s["place"] == agency_data.CENTRE else 2.0), "return"))
        elif state in ("supplement", "stopped") or (state == "withdrawn" and s["withdraw_from"] == "supplement"):
            ops.append(Op(elapsed + pace * 0.5 * hours[done], "request_supplement"))
            if state == "stopped":
                ops.append(Op(ops[-1].at + wait, "stop"))
            elif state == "withdrawn":
                ops.append(Op(ops[-1].at + 16.0, "withdraw"))
        elif state == "paused":
            ops.append(Op(elapsed + pace * 0.5 * hours[done], "pause", {"reason": s["pause"]}))
        elif state == "withdrawn":
            ops.append(Op(elapsed + 2.0, "withdraw"))
        ops.sort(key=lambda op: op.at)
        return ops, due

    def _off_hours_instant(self) -> dt.datetime:
        """The latest 20:15 (local) at least half an hour before now: outside working hours."""
        local = timezone.localtime(self.now)
        candidate = local.replace(hour=20, minute=15, second=0, microsecond=0)
        if candidate > local - dt.timedelta(minutes=30):
            candidate -= dt.timedelta(days=1)
        return candidate

    # -- playing ------------------------------------------------------------------------------------
    def done_keys(self) -> set[str]:
        notes = DossierEvent.objects.filter(seq=1, note__startswith=STORY_MARK).values_list("note", flat=True)
        return {note[len(STORY_MARK) :] for note in notes}

    def play_all(self) -> None:
        done = self.done_keys()
        for s in stories.STORIES:
            if s["key"] in done:
                continue
            with transaction.atomic():
                self.play(s)
            self.report.created["dossiers"] += 1

    def play(self, s: dict):
        self.turn = sum(map(ord, s["key"]))
        procedure = self.procedures[s["procedure"]]
        receiving = self.agencies[s["place"]]
        competent = self.agencies[s["competent"]] if s.get("competent") else None
        process = procedure.current_process(competent or procedure.competent_agency or receiving)
        steps = process.ordered_steps()
        ops, due = self.plan(s, procedure, steps)
        last = ops[-1].at
        # An open dossier is placed so that its due time falls `due_in` working hours from now.
        idle = max(due - last - s["due_in"], 0.05) if "due_in" in s else float(s.get("idle", 1.0))
        if s.get("after_hours"):
            filed = self._off_hours_instant()
            origin = self.calendar.next_working_instant(filed)
        else:
            filed = origin = self.calendar.subtract(self.now, (last + idle) * HOUR)

        def when(offset: float) -> dt.datetime:
            return filed if offset == 0 else self.calendar.add(origin, offset * HOUR)

        dossier = None
        for op in ops:
            at = when(op.at)
            if op.args.get("on_time") and dossier.due_at:
                at = dossier.due_at - dt.timedelta(minutes=1)
            if at > self.now:
                self.report.warnings.append(f"{s['key']}: dừng ở “{op.name}” vì thời điểm vượt quá hiện tại.")
                break
            try:
                dossier = self._apply(op, s, at, dossier, procedure, receiving, competent)
            except TransitionNotAllowed as exc:
                if exc.code != "condition_failed":
                    raise
                # A start gate held it back (e.g. a full-online fee not yet paid): it stays where it is.
                self.report.warnings.append(f"{s['key']}: {exc.message}")
                break
        return dossier

    def _apply(self, op: Op, s, at, dossier, procedure, receiving, competent):
        name = op.name
        if name == "create":
            return self._create(s, at, procedure, receiving, competent)
        docs = procedure.documents.order_by("order")
        online = dossier.channel == "online"
        if name == "receive":
            return services.receive_dossier(dossier=dossier, actor=self._counter(receiving), at=at)
        if name == "refuse":
            return services.refuse_dossier(
                dossier=dossier, actor=self._counter(receiving), note=op.args["reason"], at=at
            )
        if name == "request_at_receipt":
            missing = [{"component": d.code, "name": d.name, "reason": "Chưa có hoặc chưa hợp lệ"} for d in docs[1:2]]
            return services.request_supplement(
                dossier=dossier,
                actor=self._counter(receiving),
                missing_documents=missing,
                note="Hướng dẫn một lần, đầy đủ các giấy tờ cần bổ sung trước khi tiếp nhận.",
                at=at,
            )
        if name == "start":
            return services.start_processing(dossier=dossier, actor=self._counter(receiving), at=at)
        if name == "complete":
            result_docs = ()
            if op.args["final"] and online:
                result_docs = [
                    DocumentInput(component="ket-qua", name="Kết quả giải quyết (bản điện tử)", file=_pdf("ket-qua"))
                ]
            return services.complete_step(
                dossier=dossier,
                actor=self._step_actor(dossier),
                note="Đã xử lý xong bước, chuyển bước tiếp theo." if not op.args["final"] else "Hoàn thành.",
                result="approved" if op.args["final"] else "",
                documents=result_docs,
                at=at,
            )
        if name == "resolve_refused":
            return services.resolve_dossier(
                dossier=dossier,
                actor=self._leader(dossier),
                result="refused",
                note="Không đủ điều kiện giải quyết: hồ sơ không đáp ứng quy định; trả lời bằng văn bản nêu rõ lý do.",
                at=at,
            )
        if name == "request_supplement":
            last = docs.last()
            return services.request_supplement(
                dossier=dossier,
                actor=self._step_actor(dossier),
                missing_documents=[
                    {
                        "component": last.code,
                        "name": last.name,
                        "reason": "Thông tin chưa khớp, đề nghị bổ sung bản đúng",
                    }
                ],
                note="Đề nghị bổ sung hồ sơ (hướng dẫn một lần, đầy đủ).",
                at=at,
            )
        if name == "submit_supplement":
            last = docs.last()
            doc = DocumentInput(component=last.code, file=_pdf(last.code) if online else None, paper_copy=not online)
            return services.submit_supplement(
                dossier=dossier,
                actor=self._applicant_actor(dossier),
                documents=[doc],
                note="Đã nộp bổ sung giấy tờ theo yêu cầu.",
                at=at,
            )
        if name == "pause":
            notes = {
                "financial": "Chờ người sử dụng đất thực hiện nghĩa vụ tài chính theo thông báo của cơ quan thuế.",
                "inter_agency": "Chờ ý kiến của cơ quan liên quan.",
                "verification": "Chờ kết quả xác minh thông tin.",
                "other": "Chờ bổ sung kết quả khảo sát hiện trường.",
            }
            reason = op.args["reason"]
            return services.pause_dossier(
                dossier=dossier, actor=self._step_actor(dossier), reason=reason, note=notes[reason], at=at
            )
        if name == "resume":
            return services.resume_dossier(
                dossier=dossier, actor=self._step_actor(dossier), note="Đã có kết quả, tiếp tục xử lý.", at=at
            )
        if name == "apologize":
            new_day = timezone.localdate(self.calendar.add(dossier.appointment_at, op.args["extra"] * HOUR))
            return services.apologize(
                dossier=dossier,
                actor=self._leader(dossier),
                new_appointment=new_day,
                note="Hồ sơ cần thêm thời gian thẩm định; xin lỗi người dân và hẹn lại ngày trả kết quả.",
                at=at,
            )
        if name == "return":
            return services.return_result(dossier=dossier, actor=self._counter(receiving), at=at)
        if name == "withdraw":
            return services.withdraw_dossier(
                dossier=dossier, actor=self._applicant_actor(dossier), note="Người nộp có đơn xin rút hồ sơ.", at=at
            )
        if name == "stop":
            return services.stop_dossier(
                dossier=dossier,
                actor=self._leader(dossier),
                note="Quá thời hạn bổ sung hồ sơ theo quy định mà người nộp không bổ sung.",
                at=at,
            )
        raise ValueError(name)

    def _create(self, s, at, procedure, receiving, competent):
        online = s["channel"] == "online"
        who = s["who"]
        if isinstance(who, str):
            user = self.users[who]
            person = people.APPLICANT_ACCOUNTS[who]
            name, kind, id_number, phone, address = (
                person["name"],
                person["kind"],
                person["id_number"],
                person["phone"],
                person["address"],
            )
            email = person["email"]
        else:
            user, email = None, ""
            name, kind, id_number, phone, address = stories.WALK_INS[who]
        channels = procedure.return_channels or ["counter"]
        return_channel = "online" if online and "online" in channels else channels[0]
        documents = [
            DocumentInput(component=d.code, file=_pdf(d.code) if online else None, paper_copy=not online)
            for d in procedure.documents.order_by("order")
        ]
        if s["state"] == "submitted" and s.get("awaiting"):
            documents = documents[:1]
        return services.create_dossier(
            actor=(user if online else self._counter(receiving)),
            applicant_user=user,
            procedure=procedure,
            channel=s["channel"],
            receiving_agency=receiving,
            competent_agency=competent,
            applicant_name=name,
            applicant_kind=kind,
            applicant_id_number=id_number,
            applicant_phone=phone,
            applicant_email=email,
            applicant_address=address,
            summary=f"{self.summaries[procedure.code]} — {name}",
            return_channel=return_channel,
            documents=documents,
            note=f"{STORY_MARK}{s['key']}",
            at=at,
        )


# -- everything -------------------------------------------------------------------------------------
# -- indicators: targets and a year of history ----------------------------------------------------------
def load_targets(report: SeedReport) -> None:
    """Seed 000's 70% full-online target of 2025 for Sơn La's departments, districts and communes."""
    from reports.models import Target

    son_la = Agency.objects.filter(code__endswith=".H52", tier__in=["department", "district", "commune"])
    for agency in son_la:
        _target, created = Target.objects.update_or_create(
            agency=agency,
            year=2025,
            indicator="full_online_processing_rate",
            defaults={"value": Decimal(indicators.SON_LA_FULL_ONLINE_2025), "source": indicators.SON_LA_SOURCE},
        )
        report.created["targets"] += created


def load_lao_cai_targets(report: SeedReport) -> None:
    """Seed 004's targets of 2022 for Lào Cai's agencies (created, with illustrative codes, if missing)."""
    from reports.models import Target

    province, _ = Agency.objects.get_or_create(
        code=indicators.LAO_CAI_PROVINCE[0], defaults={"name": indicators.LAO_CAI_PROVINCE[1], "tier": "province"}
    )
    for code, name, tier, *values in indicators.LAO_CAI_TARGETS_2022:
        agency, created = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "tier": tier, "parent": province}
        )
        report.created["agencies"] += created
        for indicator, value in zip(indicators.LAO_CAI_INDICATORS, values, strict=True):
            if value is None:  # "Không có phí": no fee, no target
                continue
            _target, created = Target.objects.update_or_create(
                agency=agency,
                year=2022,
                indicator=indicator,
                defaults={"value": Decimal(value), "source": indicators.LAO_CAI_SOURCE},
            )
            report.created["targets"] += created


def load_history(report: SeedReport, *, scale: int = 10) -> None:
    """A tenth of seed 001's table (every agency's dossiers of 2022, and its online ones, divided by `scale`),
    imported as historical dossiers, so that the indicator dashboard has a year to show. Idempotent (an
    import of the same codes changes nothing)."""
    from reports.importing import COLUMNS, import_file

    table = [(code, -(-total // scale), -(-online // scale)) for code, total, online in indicators.ONLINE_2022]
    owned = dict(Procedure.objects.filter(competent_agency__isnull=False).values_list("competent_agency__code", "code"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "so-lieu-2022.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(indicators.online_2022_rows(owned, "1.001193", table=table))
        outcomes = import_file(path, restart=True)
    report.created["historical dossiers"] += outcomes.created


def seed_demo(
    *, with_dossiers: bool = True, with_indicators: bool = False, now: dt.datetime | None = None
) -> SeedReport:
    """Load calendar, catalogue, processes, people, targets and (optionally) the demo dossiers; with
    `with_indicators`, seed 001's year 2022 (a tenth of it) and seed 004's Lào Cai agencies with their targets."""
    now = now or timezone.now()
    report = SeedReport()
    load_calendar(range(now.year - 1, now.year + 2))
    agencies, _, procedures = load_catalogue(report)
    users = load_people(agencies, report)
    with transaction.atomic():
        load_processes(procedures, agencies, users["quantri"], report)
    load_targets(report)
    if with_dossiers:
        StoryPlayer(now=now, agencies=agencies, procedures=procedures, users=users, report=report).play_all()
    if with_indicators:
        load_history(report)
        load_lao_cai_targets(report)
    return report


def state_counts() -> dict[str, int]:
    from django.db.models import Count

    from dossiers.models import Dossier

    rows = dict(Dossier.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {state: rows.get(state, 0) for state in Status.values}
