"""Extract numbers: ``N/TLKS-BS`` (birth), ``N/TLKT-BS`` (death), ``N/TLKH-BS`` (marriage).

Numbers run from 1 per issuing office, year and kind of extract, gap-free and never issued twice:
:func:`take_number` increments the counter row in the transaction that stores the extract, so a
number is used exactly when the extract is stored (a failed issue rolls the number back) and two
concurrent issues are serialised on the counter row (PostgreSQL's row lock, SQLite's one writer).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from extraction.types import RegisterType
from registry_db.certificates import ExtractCounter

SUFFIX: dict[RegisterType, str] = {
    RegisterType.BIRTH: "TLKS-BS",
    RegisterType.DEATH: "TLKT-BS",
    RegisterType.MARRIAGE: "TLKH-BS",
}


def format_number(number: int, kind: RegisterType | str) -> str:
    """``12/TLKS-BS``."""
    if number < 1:
        raise ValueError(f"an extract number starts at 1, not {number}")
    return f"{number}/{SUFFIX[RegisterType(kind)]}"


def take_number(session: Session, office: str, year: int, kind: RegisterType | str) -> int:
    """The next number for ``(office, year, kind)``, taken inside the caller's transaction."""
    rtype = RegisterType(kind)
    where = (
        ExtractCounter.office == office,
        ExtractCounter.year == year,
        ExtractCounter.kind == rtype,
    )
    bump = (
        sa.update(ExtractCounter)
        .where(*where)
        .values(last_no=ExtractCounter.last_no + 1)
        .returning(ExtractCounter.last_no)
    )
    number = session.execute(bump).scalar_one_or_none()
    if number is None:
        values = {"office": office, "year": year, "kind": rtype.value, "last_no": 0}
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ExtractCounter)
        session.execute(insert.values(**values).on_conflict_do_nothing())
        number = session.execute(bump).scalar_one()
    return int(number)
