"""Citizens' requests for extract copies ("toàn trình"): a state machine, every transition kept.

    submitted ─approve─▶ approved ─pay─▶ paid ─issue─▶ issued ─post─▶ posted (delivery by post)
        └──refuse──▶ refused ◀──refuse──┘

A request names the requester, their relationship to the person (self, parent, child, spouse,
sibling, grandparent, or an authorised representative with an authorisation document), purpose
and delivery. What the record itself can prove is checked at once (the requester of "self" is
the person; a "parent" is named as mother or father; a "spouse" on the marriage record); the
rest is for staff, who approve or refuse with a reason. The fee is recorded with its payment
reference; then the extract is issued and the requester downloads the signed copy with the
request's secret token.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from certify.codes import new_token
from certify.issue import IssueOptions, issue_extract
from certify.persons import PersonHit, find_persons, normalise_name
from civreg_cli.errors import InputError
from extraction.types import RegisterType
from registry_db.certificates import (
    Delivery,
    Extract,
    ExtractRequest,
    ExtractRequestEvent,
    ExtractStatus,
    Relationship,
    RequestState,
)
from registry_db.repository import _write

S = RequestState
TRANSITIONS: dict[RequestState, frozenset[RequestState]] = {
    S.SUBMITTED: frozenset({S.APPROVED, S.REFUSED}),
    S.APPROVED: frozenset({S.PAID, S.REFUSED}),
    S.PAID: frozenset({S.ISSUED}),
    S.ISSUED: frozenset({S.POSTED}),
    S.REFUSED: frozenset(),
    S.POSTED: frozenset(),
}


class RequestRefused(InputError):
    """A request that cannot be taken or moved on; ``code`` names why (for the access log)."""

    def __init__(self, code: str, message: str, advice: str | None = None) -> None:
        self.code = code
        super().__init__(message, advice=advice)


def can_move(current: RequestState, target: RequestState) -> bool:
    return target in TRANSITIONS[current]


def relationship_problem(
    relationship: Relationship,
    requester_name: str,
    person: PersonHit,
    authorisation_doc: str | None,
) -> str | None:
    """Why the stated relationship does not hold on the record's own evidence (None: it may)."""
    name = normalise_name(requester_name).casefold()

    def named(key: str) -> bool:
        value = person.values.get(key)
        return bool(value) and normalise_name(value or "").casefold() == name

    if relationship is Relationship.REPRESENTATIVE:
        if not (authorisation_doc and authorisation_doc.strip()):
            return "an authorised representative must give the authorisation document"
        return None
    if relationship is Relationship.SELF:
        if person.kind is RegisterType.DEATH:
            return "a death extract cannot be requested by the deceased"
        if not named(f"{person.role}.full_name"):
            return "the requester is not the person named on the record"
    parent_named = named("mother.full_name") or named("father.full_name")
    birth = person.kind is RegisterType.BIRTH
    if relationship is Relationship.PARENT and birth and not parent_named:
        return "the requester is not a parent named on the birth record"
    other = "husband" if person.role == "wife" else "wife"
    spouse_named = named(f"{other}.full_name")
    marriage = person.kind is RegisterType.MARRIAGE
    if relationship is Relationship.SPOUSE and marriage and not spouse_named:
        return "the requester is not the spouse named on the marriage record"
    return None


def _event(
    session: Session, request: ExtractRequest, to: RequestState, by: str, note: str | None
) -> None:
    session.add(
        ExtractRequestEvent(
            request_id=request.id,
            from_state=request.state.value if request.id and request.state else None,
            to_state=to.value,
            by=by,
            note=note,
        )
    )
    request.state = to


def submit_request(
    session: Session,
    *,
    kind: RegisterType | str,
    personal_id: str | None,
    full_name: str | None,
    date_of_birth: str | None,
    requester_name: str,
    requester_id_no: str,
    requester_contact: str,
    relationship: Relationship | str,
    authorisation_doc: str | None,
    purpose: str,
    delivery: Delivery | str,
    postal_address: str | None,
) -> ExtractRequest:
    """Take a citizen's request; :class:`RequestRefused` when it cannot be taken."""
    rtype = RegisterType(kind)
    try:
        rel = Relationship(relationship)
        how = Delivery(delivery)
    except ValueError:
        raise RequestRefused("bad_input", "unknown relationship or delivery") from None
    for what, value, limit in (
        ("requester name", requester_name, 255),
        ("requester identity document number", requester_id_no, 32),
        ("contact", requester_contact, 255),
        ("purpose", purpose, 255),
    ):
        if not value.strip() or len(value) > limit:
            raise RequestRefused("bad_input", f"the {what} must be 1 to {limit} characters")
    if how is Delivery.POST and not (postal_address and postal_address.strip()):
        raise RequestRefused("bad_input", "delivery by post needs a postal address")
    if personal_id:
        personal_id = personal_id.strip()
        if not personal_id.isdigit() or len(personal_id) != 12:
            raise RequestRefused("bad_input", "a personal number has 12 digits")
    elif not (full_name and date_of_birth):
        raise RequestRefused(
            "bad_input", "give the person's personal number, or full name and date of birth"
        )
    hits = find_persons(
        session,
        personal_id=personal_id or None,
        full_name=None if personal_id else full_name,
        date_of_birth=None if personal_id else date_of_birth,
        kinds=(rtype,),
        limit=2,
    )
    if not hits:
        raise RequestRefused(
            "unknown_person",
            "no final record matches the person given",
            advice="check the personal number, or the full name and date of birth",
        )
    if len(hits) > 1:
        raise RequestRefused(
            "ambiguous_person",
            "more than one record matches",
            advice="give the personal number instead",
        )
    person = hits[0]
    problem = relationship_problem(rel, requester_name, person, authorisation_doc)
    if problem:
        raise RequestRefused(
            "relationship",
            problem,
            advice="only the person, close family or an authorised "
            "representative may request an extract",
        )

    def work() -> ExtractRequest:
        request = ExtractRequest(
            token=new_token(),
            kind=rtype,
            record_id=person.record_id,
            requester_name=requester_name.strip(),
            requester_id_no=requester_id_no.strip(),
            requester_contact=requester_contact.strip(),
            relationship=rel,
            authorisation_doc=(authorisation_doc or "").strip() or None,
            purpose=purpose.strip(),
            delivery=how,
            postal_address=(postal_address or "").strip() or None,
            state=RequestState.SUBMITTED,
        )
        session.add(request)
        session.flush()
        session.add(
            ExtractRequestEvent(
                request_id=request.id, from_state=None, to_state=S.SUBMITTED.value, by="requester"
            )
        )
        return request

    return _write(session, "store an extract request", work)


def get_request(session: Session, request_id: int) -> ExtractRequest:
    request = session.get(ExtractRequest, request_id, populate_existing=True)
    if request is None:
        raise InputError(f"request id {request_id} does not exist")
    return request


def request_by_token(session: Session, token: str) -> ExtractRequest | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(sa.select(ExtractRequest).where(ExtractRequest.token == token))


def move(
    session: Session,
    request_id: int,
    to: RequestState | str,
    *,
    by: str,
    note: str | None = None,
    fee_vnd: int | None = None,
    payment_ref: str | None = None,
) -> ExtractRequest:
    """One transition (approve, refuse with a reason, pay with a reference, post)."""
    target = RequestState(to)
    if target is S.REFUSED and not (note and note.strip()):
        raise InputError("refusing a request needs a reason")
    if target is S.PAID and not (payment_ref and payment_ref.strip() and (fee_vnd or 0) > 0):
        raise InputError("recording the fee needs the amount and the payment reference")
    if target is S.ISSUED:
        raise InputError("a request is issued by issuing its extract")

    def work() -> ExtractRequest:
        request = session.get(
            ExtractRequest, request_id, populate_existing=True, with_for_update=True
        )
        if request is None:
            raise InputError(f"request id {request_id} does not exist")
        if not can_move(request.state, target):
            raise InputError(f"request {request_id} is {request.state.value}: cannot be {to}")
        if target is S.POSTED and request.delivery is not Delivery.POST:
            raise InputError(f"request {request_id} is delivered electronically, not by post")
        if target is S.PAID:
            request.fee_vnd, request.payment_ref = fee_vnd, (payment_ref or "").strip()[:128]
        if target is S.REFUSED:
            request.reason = (note or "").strip()
        _event(session, request, target, by, note)
        return request

    return _write(session, f"move request id {request_id} to {target.value}", work)


def issue_for_request(
    session: Session, request_id: int, *, by: str, options: IssueOptions
) -> Extract:
    """Issue the extract of a paid request (or a new one after a correction revoked it)."""
    request = get_request(session, request_id)
    if request.state not in (S.PAID, S.ISSUED, S.POSTED):
        raise InputError(f"request {request_id} is {request.state.value}, not paid")
    if request.record_id is None:
        raise InputError(f"request {request_id} names no record")
    extract = extract_of_request(session, request)
    if extract is None:
        previous = session.scalar(
            sa.select(Extract.id)
            .where(Extract.request_id == request.id)
            .order_by(Extract.id.desc())
            .limit(1)
        )
        extract = issue_extract(
            session,
            request.record_id,
            by=by,
            options=options,
            request_id=request.id,
            replaces_id=previous,
        )
    number = extract.number_text

    def work() -> None:
        locked = session.get(
            ExtractRequest, request_id, populate_existing=True, with_for_update=True
        )
        if locked is not None and locked.state is S.PAID:
            _event(session, locked, S.ISSUED, by, f"extract {number}")

    # A crash between the two steps leaves a paid request with its extract: running this again
    # finds the extract and only records the transition.
    _write(session, f"mark request id {request_id} issued", work)
    return extract


def extract_of_request(session: Session, request: ExtractRequest) -> Extract | None:
    """The request's valid extract, if any."""
    return session.scalar(
        sa.select(Extract)
        .where(Extract.request_id == request.id, Extract.status == ExtractStatus.VALID)
        .order_by(Extract.id.desc())
        .limit(1)
    )


def events_of(session: Session, request_id: int) -> list[ExtractRequestEvent]:
    return list(
        session.scalars(
            sa.select(ExtractRequestEvent)
            .where(ExtractRequestEvent.request_id == request_id)
            .order_by(ExtractRequestEvent.id)
        )
    )


def open_requests(session: Session, limit: int = 200) -> list[ExtractRequest]:
    return list(
        session.scalars(sa.select(ExtractRequest).order_by(ExtractRequest.id.desc()).limit(limit))
    )
