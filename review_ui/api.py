"""The agency API, ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``).

Every call carries the client's key (``X-Api-Key``), a unique ``X-Request-Id`` (a replay is
refused) and its ``purpose``; every call, answered or refused, is one line of the append-only
API access log (client, purpose, persons returned, outcome, time). Answers carry only what the
key's scope allows (:func:`certify.agency.person_answer`). Each client has its own rate limit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from certify import agency
from certify import issue as iss
from certify.agency import ApiRefusal, Caller, RateLimiter, Scope
from certify.persons import find_persons
from extraction.types import RegisterType
from registry_db.certificates import Extract
from review_ui.certificates import options_for
from review_ui.web import AppContext

API_KEY = APIKeyHeader(name="X-Api-Key", auto_error=False, description="the client's API key")
REQUEST_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class Error(BaseModel):
    error: str = Field(description="a short code: bad_key, wrong_scope, replayed, …")
    message: str


class Registration(BaseModel):
    event: str
    office: str
    book_no: str
    entry_no: str | None
    date: str | None


class Person(BaseModel):
    person_ref: str = Field(description="the person's reference (for now: its record)")
    full_name: str
    date_of_birth: str | None
    sex: str | None
    deceased: bool
    personal_id: str | None = Field(None, description="person:read only")
    nationality: str | None = Field(None, description="person:read only")
    place_of_birth: str | None = Field(None, description="person:read only")
    date_of_death: str | None = Field(None, description="person:read only")
    place_of_death: str | None = Field(None, description="person:read only")
    registration: Registration | None = Field(None, description="person:read only")


class Persons(BaseModel):
    persons: list[Person]


class ExtractOrder(BaseModel):
    personal_id: str = Field(pattern=r"^\d{12}$", description="the person's personal number")
    kind: Literal["birth", "death"] = "birth"
    purpose: str = Field(min_length=3, max_length=255, pattern=r"\S")


class IssuedExtract(BaseModel):
    number: str
    code: str
    verify_url: str
    status: str
    signed: bool


class Verification(BaseModel):
    status: Literal["valid", "revoked", "unknown"]
    number: str | None = None
    issued_on: str | None = None
    name: str | None = None
    event: str | None = None
    event_date: str | None = None
    office: str | None = None
    revoked_on: str | None = None
    replaced: bool = False


# 404 has no body schema: a path the router cannot match at all (a newline in it) is answered by
# the framework outside this API; every 404 of this API's own is an ``Error``.
REFUSALS: dict[int | str, dict[str, Any]] = {
    code: {"model": Error, "description": text} if code != 404 else {"description": text}
    for code, text in (
        (400, "bad input (no request id)"),
        (401, "no key, an unknown, revoked or expired key"),
        (403, "the key lacks the scope"),
        (404, "no such person or extract"),
        (409, "a replayed request, or a record that cannot be certified"),
        (429, "over the client's rate limit"),
    )
}


def _replayed() -> JSONResponse:
    return JSONResponse(
        {"error": "replayed", "message": "this X-Request-Id was used before: a replayed request"},
        status_code=409,
    )


def _purpose(description: str = "why the agency asks (kept in the access log)") -> Any:
    return Query(min_length=3, max_length=255, pattern=r"\S", description=description)


def _request_id() -> Any:
    return Header(
        alias="X-Request-Id",
        pattern=REQUEST_ID_PATTERN,
        description="a unique id of this call: a replay is refused",
    )


def create_api(context: AppContext) -> FastAPI:
    api = FastAPI(
        title="civreg registry API",
        version="1",
        description=__doc__,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    limiter = RateLimiter()
    verify_limiter = RateLimiter()

    def session_dep() -> Any:
        with context.sessions() as session:
            yield session

    def refuse(
        session: Session,
        client: Caller | None,
        endpoint: str,
        purpose: str | None,
        refusal: ApiRefusal,
        request_id: str | None = None,
    ) -> JSONResponse:
        logged = agency.log_call(
            session,
            client_id=client.id if client else None,
            request_id=request_id if refusal.code not in ("replayed", "no_request_id") else None,
            endpoint=endpoint,
            purpose=purpose,
            persons=[],
            outcome=refusal.code,
            status_code=refusal.status,
        )
        if not logged:  # a replay found by the log's unique key: refused as a replay
            return _replayed()
        headers = {"Retry-After": "60"} if refusal.status == 429 else None
        return JSONResponse(
            {"error": refusal.code, "message": refusal.message},
            status_code=refusal.status,
            headers=headers,
        )

    def call(
        session: Session,
        *,
        endpoint: str,
        scope: Scope,
        key: str | None,
        request_id: str,
        purpose: str,
        work: Callable[[Caller], tuple[Any, list[int]]],
        changes: bool = False,
    ) -> Any:
        """Authenticate, rate-limit, refuse replays, check the scope, run ``work`` (its answer
        and the persons it returned) and log the call.

        A replay is caught by the access log's unique (client, request id) when the call's line
        is written, before any answer leaves. A call that ``changes`` something (an extract
        issued) also looks for its request id first, so that a replay changes nothing."""
        client: Caller | None = None
        try:
            client = agency.authenticate(session, key)
            if not limiter.allow(session, f"client:{client.id}", client.rate_per_minute):
                raise ApiRefusal(429, "rate_limited", "over this client's rate limit")
            agency.check_request_id(session, client, request_id, lookup=changes)
            agency.require_scope(client, scope)
            agency.check_purpose(purpose)
            answer, persons = work(client)
        except ApiRefusal as refusal:
            return refuse(session, client, endpoint, purpose, refusal, request_id)
        logged = agency.log_call(
            session,
            client_id=client.id,
            request_id=request_id,
            endpoint=endpoint,
            purpose=purpose,
            persons=persons,
            outcome="ok",
            status_code=200,
        )
        if not logged:  # this request id was used before (or won a race meanwhile): a replay
            return _replayed()
        return answer

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """Bad input is refused by FastAPI's validation (422) and logged like any refusal."""
        fields = {str(part) for err in exc.errors() for part in err.get("loc", ())}
        outcome = next(
            (
                code
                for name, code in (
                    ("purpose", "no_purpose"),
                    ("personal_id", "bad_personal_id"),
                    ("X-Request-Id", "no_request_id"),
                )
                if name in fields
            ),
            "bad_input",
        )
        with context.sessions() as session:
            try:
                client: Caller | None = agency.authenticate(
                    session, request.headers.get("x-api-key")
                )
            except ApiRefusal:
                client = None
            agency.log_call(
                session,
                client_id=client.id if client else None,
                request_id=None,
                endpoint=request.url.path[-64:],
                purpose=request.query_params.get("purpose"),
                persons=[],
                outcome=outcome,
                status_code=422,
            )
        return await request_validation_exception_handler(request, exc)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Errors raised by the framework itself (a body that does not parse, no such route)
        answer in the API's own error shape."""
        code = {400: "bad_input", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, f"http_{exc.status_code}"
        )
        if exc.status_code == 400:
            with context.sessions() as session:
                agency.log_call(
                    session,
                    client_id=None,
                    request_id=None,
                    endpoint=request.url.path[-64:],
                    purpose=None,
                    persons=[],
                    outcome=code,
                    status_code=400,
                )
        return JSONResponse(
            {"error": code, "message": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @api.get(
        "/persons/{personal_id}",
        response_model=Person,
        response_model_exclude_none=True,
        responses=REFUSALS,
        summary="A person by personal number (scope person:read)",
    )
    def read_person(
        personal_id: str = Path(pattern=r"^\d{12}$", description="12 digits"),
        purpose: str = _purpose(),
        request_id: str = _request_id(),
        key: str | None = Depends(API_KEY),
        session: Session = Depends(session_dep),
    ) -> Any:
        def work(_client: Caller) -> tuple[Any, list[int]]:
            hits = find_persons(session, personal_id=personal_id, limit=2)
            if not hits:
                raise ApiRefusal(404, "unknown_person", "no final record has this personal number")
            hit = hits[0]
            return agency.person_answer(hit, Scope.PERSON_READ), [hit.record_id]

        return call(
            session,
            endpoint="read_person",
            scope=Scope.PERSON_READ,
            key=key,
            request_id=request_id,
            purpose=purpose,
            work=work,
        )

    @api.get(
        "/persons",
        response_model=Persons,
        response_model_exclude_none=True,
        responses=REFUSALS,
        summary="Persons by full name and date of birth (scope person:search)",
    )
    def search_persons(
        full_name: str = Query(min_length=2, max_length=255),
        date_of_birth: date = Query(description="ISO date"),
        purpose: str = _purpose(),
        request_id: str = _request_id(),
        key: str | None = Depends(API_KEY),
        session: Session = Depends(session_dep),
    ) -> Any:
        def work(_client: Caller) -> tuple[Any, list[int]]:
            hits = find_persons(
                session, full_name=full_name, date_of_birth=date_of_birth.isoformat()
            )
            answer = [agency.person_answer(h, Scope.PERSON_SEARCH) for h in hits]
            return {"persons": answer}, [h.record_id for h in hits]

        return call(
            session,
            endpoint="search_persons",
            scope=Scope.PERSON_SEARCH,
            key=key,
            request_id=request_id,
            purpose=purpose,
            work=work,
        )

    @api.post(
        "/extracts",
        response_model=IssuedExtract,
        responses=REFUSALS,
        summary="Issue a signed extract of a person's birth or death (scope extract:issue)",
    )
    def issue_extract(
        order: ExtractOrder,
        request_id: str = _request_id(),
        key: str | None = Depends(API_KEY),
        session: Session = Depends(session_dep),
    ) -> Any:
        def work(client: Caller) -> tuple[Any, list[int]]:
            kind = RegisterType(order.kind)
            hits = find_persons(session, personal_id=order.personal_id, kinds=(kind,), limit=2)
            if len(hits) != 1:
                raise ApiRefusal(404, "unknown_person", f"no single final {kind.value} record")
            options = options_for(context)
            try:
                extract = iss.issue_extract(
                    session, hits[0].record_id, by=f"api:{client.name}", options=options
                )
            except iss.NotCertifiable as exc:
                raise ApiRefusal(409, "not_certifiable", "; ".join(exc.reasons)) from None
            answer = {
                "number": extract.number_text,
                "code": extract.code,
                "verify_url": options.verify_url(extract.code),
                "status": extract.status.value,
                "signed": extract.signed,
            }
            return answer, [hits[0].record_id]

        return call(
            session,
            endpoint="issue_extract",
            scope=Scope.EXTRACT_ISSUE,
            key=key,
            request_id=request_id,
            purpose=order.purpose,
            work=work,
            changes=True,
        )

    @api.get(
        "/extracts/{code}/pdf",
        responses={
            **REFUSALS,
            200: {"content": {"application/pdf": {}}, "description": "the signed PDF"},
        },
        response_class=Response,
        summary="The signed PDF of an extract this client issued (scope extract:issue)",
    )
    def extract_pdf(
        code: str = Path(pattern=r"^[A-Za-z0-9_-]{22}$"),
        purpose: str = _purpose(),
        request_id: str = _request_id(),
        key: str | None = Depends(API_KEY),
        session: Session = Depends(session_dep),
    ) -> Any:
        def work(client: Caller) -> tuple[Any, list[int]]:
            extract = session.scalar(
                sa.select(Extract).where(
                    Extract.code == code, Extract.issued_by == f"api:{client.name}"
                )
            )
            if extract is None:
                raise ApiRefusal(404, "unknown_extract", "no extract of this client has this code")
            return Response(extract.pdf, media_type="application/pdf"), [extract.record_id]

        return call(
            session,
            endpoint="extract_pdf",
            scope=Scope.EXTRACT_ISSUE,
            key=key,
            request_id=request_id,
            purpose=purpose,
            work=work,
        )

    @api.get(
        "/verify/{code}",
        response_model=Verification,
        response_model_exclude_none=True,
        responses={
            404: {"description": "not a route (a code with other characters)"},
            429: {"model": Error, "description": "too many verifications"},
        },
        summary="Verify an extract's code (public, no key; rate-limited per address)",
    )
    def verify(
        request: Request,
        code: str = Path(pattern=r"^[A-Za-z0-9_-]{1,64}$"),
        session: Session = Depends(session_dep),
    ) -> Any:
        address = request.client.host if request.client else "unknown"
        bucket = agency.address_bucket("verify", address)
        if not verify_limiter.allow(session, bucket, context.settings.verify_rate_per_minute):
            return JSONResponse(
                {"error": "rate_limited", "message": "too many verifications; wait a minute"},
                status_code=429,
                headers={"Retry-After": "60"},
            )
        return iss.verify_code(session, code).as_dict()

    return api
