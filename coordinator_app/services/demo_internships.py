"""The demo's internships, Literature Studies and mentors with their portfolio items: one demo
student's placements, at the stage they would be on `as_of` (a part of the builder in
services/demo.py, which draws every student in one order so a seed gives one database)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from coordinator_app.domain.internships import Period
from coordinator_app.domain.programme import PortfolioRule, Programme
from coordinator_app.domain.student import (
    InternshipSnapshot,
    ItemSnapshot,
    LiteratureSnapshot,
    internship_due_dates,
    internship_schedule,
    literature_due_dates,
)
from coordinator_app.services.demo_names import ABROAD, HOSTS, MEETING_TOPICS, PEOPLE, TOPICS
from coordinator_app.services.demo_registers import DemoRegisters, DemoTables

HOSTS_BY_UMC = {flag: [h for h in HOSTS if h[2] == flag] for flag in (True, False)}


class DemoInternships:
    """The placements part of the demo builder: it shares the builder's random draws and rows."""

    rng: random.Random
    as_of: date
    t: DemoTables
    registers: DemoRegisters | None

    def mark(self, pass_mark: float) -> float:
        """A passing internship or Literature Study mark."""
        return round(min(10.0, max(pass_mark, self.rng.gauss(7.6, 0.8))), 1)

    def marks(self, pass_mark: float, finished: bool) -> tuple[float | None, float | None, float | None, float | None]:
        """The four marks of a finished internship or Literature Study; none before it is finished."""
        if not finished:
            return None, None, None, None
        return self.mark(pass_mark), self.mark(pass_mark), self.mark(pass_mark), self.mark(pass_mark)

    def received(self, due: date | None, reliability: float = 0.92) -> date | None:
        """Items whose due date has passed are usually in; a few stay overdue."""
        if due is None or due > self.as_of + timedelta(days=3):
            return None
        if due < self.as_of - timedelta(days=120):
            reliability = max(reliability, 0.995)  # long past: chased and in, nearly always
        if self.rng.random() < reliability:
            day = due - timedelta(days=self.rng.randint(0, 6))
            return min(day, self.as_of)
        return None

    def internships(
        self, sid: int, programme: Programme, cohort_year: int, compulsory_passed: int
    ) -> dict[str, InternshipSnapshot]:
        rules = programme.internships
        assert rules is not None
        out = {}
        rng = self.rng
        starts = {
            "minor": date(cohort_year + 1, 3, 3) + timedelta(days=rng.randint(0, 45)),
            "major": date(cohort_year + 1, 9, 1) + timedelta(days=rng.randint(0, 75)),
        }
        umc_minor = rng.random() < 0.6
        for kind, start in starts.items():
            if start - timedelta(days=100) > self.as_of:
                continue
            if kind == "minor" and compulsory_passed < 4 and rng.random() < 0.7:
                continue
            host, dept, umc = rng.choice(HOSTS)
            country, code, notified = "Netherlands", None, False
            if kind == "minor":
                umc = umc_minor
            else:
                umc = umc if umc_minor else True
            if HOSTS_BY_UMC[umc] and (host, dept, umc) not in HOSTS:  # the UMC box agrees with the host
                host, dept, _ = rng.choice(HOSTS_BY_UMC[umc])
            if kind == "major":
                if rng.random() < 0.25:
                    host, country, code = rng.choice(ABROAD)
                    dept, umc, notified = "Research group", not umc_minor, rng.random() < 0.8
            approved = start <= self.as_of + timedelta(days=20) and rng.random() < 0.985
            status = (
                "approved"
                if approved
                else ("requested" if start - timedelta(days=60) <= self.as_of else "not requested")
            )
            periods = []
            if rng.random() < 0.25:
                p0 = start + timedelta(days=rng.randint(20, 60))
                periods.append(Period(p0, p0 + timedelta(days=rng.choice((6, 13)))))
            part_time = 100 if rng.random() < 0.9 else 80
            plan = internship_schedule(programme, kind, start, part_time, periods)
            dues = internship_due_dates(programme, plan)
            finished = plan.planned_end + timedelta(days=21) <= self.as_of
            marks = self.marks(programme.pass_mark, finished)
            assessor_rank = rng.choice(("UD", "UD", "UHD", "HL")) if rng.random() < 0.98 else "postdoc"
            iid = self.t.add(
                "internship",
                student_id=sid,
                kind=kind,
                host=host,
                department=dept,
                topic=rng.choice(TOPICS),
                is_umc=umc,
                country=country,
                travel_code=code,
                international_office_notified=notified,
                approval_status=status,
                approval_date=(start - timedelta(days=rng.randint(10, 40))) if approved else None,
                start_date=start,
                part_time_percent=part_time,
                **self.people(assessor_rank),
                host_id=self.registers.host(host, dept) if self.registers else None,
                assessor_location=rng.choice(("VUmc", "AMC")),
                practical_mark=marks[0],
                supervisor_report_mark=marks[1],
                assessor_report_mark=marks[2],
                presentation_mark=marks[3],
                marks_registered_on=plan.planned_end + timedelta(days=21) if finished else None,
            )
            for p in periods:
                self.t.add(
                    "interruption", internship_id=iid, start_date=p.start, end_date=p.end, reason="Optional course"
                )
            items = self.items(sid, f"{kind}_internship", rules.portfolio, dues, 0.99 if finished else 0.9)
            out[kind] = InternshipSnapshot(
                kind,
                start,
                part_time,
                tuple(periods),
                umc,
                country,
                code,
                status,
                self.t.rows["internship"][-1]["assessor_rank"],
                *marks,
                marks_registered_on=self.t.rows["internship"][-1]["marks_registered_on"],
                portfolio=items,
            )
        return out

    def people(self, assessor_rank: str) -> dict[str, Any]:
        """The internship's daily supervisor, second supervisor and assessor: register entries."""
        if self.registers is None:
            return {
                "daily_supervisor": self.rng.choice(PEOPLE),
                "daily_supervisor_rank": "postdoc",
                "second_supervisor": self.rng.choice(PEOPLE),
                "second_supervisor_rank": "UHD",
                "assessor": self.rng.choice(PEOPLE),
                "assessor_rank": assessor_rank,
            }
        return self.registers.internship_people()

    def items(
        self, sid: int, component: str, rules: tuple[PortfolioRule, ...], dues: dict[str, date], reliability: float
    ) -> tuple[ItemSnapshot, ...]:
        out = []
        for rule in rules:
            due = dues.get(rule.kind)
            got = self.received(due, reliability)
            self.t.add(
                "portfolio_item",
                student_id=sid,
                component=component,
                kind=rule.kind,
                name=rule.name,
                due_date=due,
                received_date=got,
                note="",
            )
            out.append(ItemSnapshot(rule.kind, rule.name, due, got))
        return tuple(out)

    def literature(self, sid: int, programme: Programme, cohort_year: int) -> LiteratureSnapshot | None:
        rules = programme.literature_study
        assert rules is not None
        start = date(cohort_year + 2, 2, 2) + timedelta(days=self.rng.randint(0, 90))
        if start - timedelta(days=60) > self.as_of:
            return None
        approved = start <= self.as_of + timedelta(days=14) and self.rng.random() < 0.985
        dues = literature_due_dates(programme, start)
        finished = start + timedelta(weeks=rules.weeks + 4) <= self.as_of
        marks = self.marks(programme.pass_mark, finished)
        status = "approved" if approved else "requested"
        subject = self.rng.choice(TOPICS)
        assert self.registers is not None
        sup, ass = self.registers.person("second"), self.registers.person("assessor")
        if ass.rank not in ("UD", "UHD", "HL"):
            ass = next(p for p in self.registers.pool["assessor"] if p.rank in ("UD", "UHD", "HL"))
        if sid % 600 == 0:
            sup = ass  # one Literature Study in ~600 keeps the mistake (supervisor is the assessor) to be found
        supervisor, assessor = sup.name, ass.name
        self.t.add(
            "literature_study",
            student_id=sid,
            subject=subject,
            supervisor=supervisor,
            supervisor_id=sup.id,
            assessor=assessor,
            assessor_id=ass.id,
            assessor_rank=ass.rank,
            approval_status=status,
            approval_date=start - timedelta(days=14) if approved else None,
            start_date=start,
            outline_mark=marks[0],
            supervisor_report_mark=marks[1],
            assessor_report_mark=marks[2],
            presentation_mark=marks[3],
            marks_registered_on=start + timedelta(weeks=rules.weeks + 4) if finished else None,
        )
        items = self.items(sid, rules.component, rules.portfolio, dues, 0.99 if finished else 0.9)
        return LiteratureSnapshot(
            start,
            status,
            self.t.rows["literature_study"][-1]["assessor_rank"],
            *marks,
            marks_registered_on=self.t.rows["literature_study"][-1]["marks_registered_on"],
            portfolio=items,
            supervisor=supervisor,
            assessor=assessor,
        )

    def mentor(self, sid: int, cohort_year: int, first: str) -> tuple[date, ...]:
        assert self.registers is not None
        who = self.registers.person("mentor")
        self.t.add(
            "mentor", student_id=sid, person_id=who.id, name=who.name, organisation=who.organisation, email=who.email
        )
        meetings = []
        for n in range(self.rng.choice((1, 2, 2, 3))):
            when = date(cohort_year, 11, 1) + timedelta(days=self.rng.randint(0, 300) + 250 * n)
            if when > self.as_of:
                break
            self.t.add(
                "mentor_meeting", student_id=sid, meeting_date=when, topic=self.rng.choice(MEETING_TOPICS), notes=""
            )
            meetings.append(when)
        return tuple(meetings)
