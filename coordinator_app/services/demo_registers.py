"""The demo's host and people registers: the supervisors, assessors and mentors its students are
given, each one entry (with a rank, an organisation and an e-mail address) chosen by id, as the
window does; and the specialization preferences of its PM students."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from coordinator_app.domain.programme import Programme
from coordinator_app.domain.values import FieldValue
from coordinator_app.services.demo_names import ABROAD, FIRST_NAMES, HOSTS, LAST_NAMES, email_part

TITLES = {"phd": "", "postdoc": "dr. ", "UD": "dr. ", "UHD": "dr. ", "HL": "prof. dr. "}
DOMAINS = {
    "Amsterdam UMC": "amsterdamumc.nl",
    "Erasmus MC": "erasmusmc.nl",
    "LUMC": "lumc.nl",
    "UMC Utrecht": "umcutrecht.nl",
    "Radboudumc": "radboudumc.nl",
    "UMCG": "umcg.nl",
}


class Rows(Protocol):
    def add(self, table: str, **values: FieldValue) -> int: ...


@dataclass
class DemoTables:
    """The demo's rows, table by table, waiting for one bulk insert; ids given here."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, **values: FieldValue) -> int:
        next_id = self.ids.get(table, 0) + 1
        self.ids[table] = next_id
        values["id"] = next_id
        self.rows.setdefault(table, []).append(values)
        return next_id


@dataclass(frozen=True)
class DemoPerson:
    id: int
    name: str
    rank: str
    organisation: str
    email: str


def _plain(text: str) -> str:
    return email_part(text)


class DemoRegisters:
    def __init__(self, rows: Rows, rng: random.Random, students: int) -> None:
        self.rows = rows
        self.rng = rng
        self.hosts: dict[tuple[str, str], tuple[int, bool, str]] = {}
        for name, department, umc in HOSTS:
            hid = rows.add(
                "host_organisation",
                name=name,
                department=department,
                city="Amsterdam" if name == "Amsterdam UMC" else "",
                country="Netherlands",
                umc=("VUmc" if "Cancer" in department else "AMC")
                if name == "Amsterdam UMC"
                else ("other" if umc else None),
                notes="",
            )
            self.hosts[(name, department)] = (hid, umc, "Netherlands")
        for name, country, _code in ABROAD:
            hid = rows.add(
                "host_organisation",
                name=name,
                department="Research group",
                city="",
                country=country,
                umc=None,
                notes="",
            )
            self.hosts[(name, "Research group")] = (hid, False, country)
        size = max(8, students // 6)
        self.pool: dict[str, list[DemoPerson]] = {
            "daily": [self._person(self.rng.choice(("phd", "postdoc", "postdoc")), None) for _ in range(size)],
            "second": [self._person(self.rng.choice(("UHD", "HL", "UD")), None) for _ in range(max(4, size // 2))],
            # A few assessors are below the rank the rule asks: the record and `check` say so.
            "assessor": [
                self._person(self.rng.choice(("UD", "UD", "UHD", "HL")) if i % 40 else "postdoc", "Amsterdam UMC")
                for i in range(max(4, size // 2))
            ],
            "mentor": [self._person(self.rng.choice(("postdoc", "UD", "UHD")), None) for _ in range(max(4, size // 3))],
        }

    def _person(self, rank: str, organisation: str | None) -> DemoPerson:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        org = organisation or self.rng.choice(HOSTS)[0]
        name = f"{TITLES[rank]}{first[0]}. {last}"
        domain = DOMAINS.get(org, "example.org")
        email = f"{_plain(first)[:1]}.{_plain(last)}@{domain}" if self.rng.random() < 0.9 else ""
        pid = self.rows.add("person", name=name, rank=rank, organisation=org, email=email, notes="")
        return DemoPerson(pid, name, rank, org, email)

    def host(self, name: str, department: str) -> int:
        return self.hosts[(name, department)][0]

    def person(self, role: str) -> DemoPerson:
        return self.rng.choice(self.pool[role])

    def internship_people(self) -> dict[str, FieldValue]:
        """The columns of an internship's three people: ids and the copies of names and ranks."""
        out: dict[str, FieldValue] = {}
        for role, pool in (("daily_supervisor", "daily"), ("second_supervisor", "second"), ("assessor", "assessor")):
            person = self.person(pool)
            out |= {role: person.name, f"{role}_rank": person.rank, f"{role}_id": person.id}
        return out

    def preferences(self, student_id: int, programme: Programme, first: str | None) -> None:
        """A ranking of the three specializations; the one a placed student has is mostly their first."""
        keys = [sp.key for sp in programme.specializations]
        # Medical Imaging is wanted most: more first choices than places, so Allocate has ties to break.
        weights = [5.0 if k == "medical_imaging" else 1.0 for k in keys]
        ranked: list[str] = []
        if first is not None and self.rng.random() < 0.85:
            ranked.append(first)
        while len(ranked) < len(keys):
            left = [(k, w) for k, w in zip(keys, weights) if k not in ranked]
            ranked.append(self.rng.choices([k for k, _ in left], [w for _, w in left])[0])
        for choice, key in enumerate(ranked, start=1):
            self.rows.add("specialization_preference", student_id=student_id, choice=choice, specialization=key)
