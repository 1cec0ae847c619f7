"""Extracts on the web: staff issue, download, revoke and reissue them and handle citizens'
requests; the public verifies a code (``/verify/{code}``, page or JSON, rate-limited) and
citizens request a copy, follow it and download the signed PDF with the request's secret link.
Thin wrappers over :mod:`certify`.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from certify import agency
from certify import issue as iss
from certify import requests as req
from certify.agency import RateLimiter, address_bucket
from civreg_cli.errors import CivregError, InputError
from extraction.types import RegisterType
from registry_db import review as rv
from registry_db.certificates import Delivery, Relationship, RequestState
from registry_db.models import User
from review_ui.permissions import Action
from review_ui.web import AppContext, csrf_form, ctx, db, form_str, log_read, render, require

log = logging.getLogger(__name__)
router = APIRouter()
CITIZEN = "citizen"  # how citizens' actions are named in the access log
PDF_HEADERS = {"Cache-Control": "no-store"}


_OPTIONS: dict[int, iss.IssueOptions] = {}


def options_for(context: AppContext) -> iss.IssueOptions:
    """The app's issuing options from its settings (the signing key loaded once per app)."""
    options = _OPTIONS.get(id(context.settings))
    if options is None:
        options = _OPTIONS[id(context.settings)] = iss.issue_options(context.settings)
    return options


def issue_options(request: Request) -> iss.IssueOptions:
    return options_for(ctx(request))


def verify_limiter(request: Request) -> RateLimiter:
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "verify_limiter", None)
    if limiter is None:
        limiter = state.verify_limiter = RateLimiter()
    return limiter


def pdf_response(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={**PDF_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


def file_name(number_text: str) -> str:
    return "trich-luc-" + number_text.replace("/", "-") + ".pdf"


# --- public verification --------------------------------------------------------------------------


@router.get("/verify/{code}", response_model=None)
def verify(
    request: Request, code: str, format: str = "", session: Session = Depends(db)
) -> Response:
    """valid / revoked / unknown, with the name, event, date and issuing office only."""
    wants_json = format == "json" or "application/json" in request.headers.get("accept", "")
    address = request.client.host if request.client else "unknown"
    per_minute = ctx(request).settings.verify_rate_per_minute
    if not verify_limiter(request).allow(session, address_bucket("verify", address), per_minute):
        body = {"status": "rate_limited", "message": "too many verifications; wait a minute"}
        if wants_json:
            return JSONResponse(body, status_code=429, headers={"Retry-After": "60"})
        return render(request, "verify.html", {"result": body}, status_code=429)
    result = iss.verify_code(session, code[:64]).as_dict()
    if wants_json:
        return JSONResponse(result, headers={"Cache-Control": "no-store"})
    return render(request, "verify.html", {"result": result})


# --- staff: extracts --------------------------------------------------------------------------


@router.get("/records/{record_id}/extracts", response_class=HTMLResponse)
def record_extracts(
    request: Request,
    record_id: int,
    user: User = Depends(require(Action.ISSUE_EXTRACT)),
    session: Session = Depends(db),
) -> HTMLResponse:
    record = iss._load(session, record_id)
    return render(
        request,
        "extracts.html",
        {
            "record": record,
            "reasons": iss.refusal_reasons(session, record),
            "extracts": iss.extracts_of_record(session, record_id),
        },
    )


@router.post("/records/{record_id}/extracts")
def issue(
    request: Request,
    record_id: int,
    user: User = Depends(require(Action.ISSUE_EXTRACT)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    extract = iss.issue_extract(
        session, record_id, by=user.username, options=issue_options(request)
    )
    log_read(session, user, "issue_extract", "extract", record_id=record_id)
    return RedirectResponse(f"/extracts/{extract.id}", status_code=303)


@router.get("/extracts/{extract_id}", response_class=HTMLResponse)
def extract_page(
    request: Request,
    extract_id: int,
    user: User = Depends(require(Action.ISSUE_EXTRACT)),
    session: Session = Depends(db),
) -> HTMLResponse:
    extract = iss.get_extract(session, extract_id)
    return render(
        request,
        "extract.html",
        {"extract": extract, "verify_url": issue_options(request).verify_url(extract.code)},
    )


@router.get("/extracts/{extract_id}/pdf")
def extract_pdf(
    extract_id: int,
    user: User = Depends(require(Action.ISSUE_EXTRACT)),
    session: Session = Depends(db),
) -> Response:
    extract = iss.get_extract(session, extract_id)
    log_read(session, user, "download_extract", "extract", record_id=extract.record_id)
    return pdf_response(extract.pdf, file_name(extract.number_text))


@router.post("/extracts/{extract_id}/revoke")
def revoke(
    extract_id: int,
    user: User = Depends(require(Action.ISSUE_EXTRACT)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    iss.revoke_extract(
        session,
        extract_id,
        by=user.username,
        reason=form_str(form, "reason"),
        reissue=form_str(form, "reissue") == "1",
    )
    return RedirectResponse(f"/extracts/{extract_id}", status_code=303)


@router.post("/extracts/{extract_id}/reissue")
def reissue(
    request: Request,
    extract_id: int,
    user: User = Depends(require(Action.ISSUE_EXTRACT)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    new = iss.reissue_extract(session, extract_id, by=user.username, options=issue_options(request))
    return RedirectResponse(f"/extracts/{new.id}", status_code=303)


# --- staff: citizens' requests --------------------------------------------------------------------


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request,
    user: User = Depends(require(Action.HANDLE_REQUESTS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    return render(request, "requests.html", {"requests": req.open_requests(session)})


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(
    request: Request,
    request_id: int,
    user: User = Depends(require(Action.HANDLE_REQUESTS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    item = req.get_request(session, request_id)
    log_read(session, user, "view_request", "extract request", record_id=item.record_id)
    return render(
        request,
        "request.html",
        {
            "item": item,
            "events": req.events_of(session, request_id),
            "extract": req.extract_of_request(session, item),
            "moves": sorted(req.TRANSITIONS[item.state] - {RequestState.ISSUED}),
            "fee": ctx(request).settings.extract_fee_vnd,
        },
    )


@router.post("/requests/{request_id}/move")
def move_request(
    request_id: int,
    user: User = Depends(require(Action.HANDLE_REQUESTS)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    fee = form_str(form, "fee_vnd")
    req.move(
        session,
        request_id,
        form_str(form, "to"),
        by=user.username,
        note=form_str(form, "note") or None,
        fee_vnd=int(fee) if fee.isdigit() else None,
        payment_ref=form_str(form, "payment_ref") or None,
    )
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


@router.post("/requests/{request_id}/issue")
def issue_request(
    request: Request,
    request_id: int,
    user: User = Depends(require(Action.HANDLE_REQUESTS)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    req.issue_for_request(session, request_id, by=user.username, options=issue_options(request))
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


# --- citizens -----------------------------------------------------------------------------------


def _request_form(request: Request, values: dict[str, str], error: str | None) -> HTMLResponse:
    return render(
        request,
        "citizen_request.html",
        {
            "values": values,
            "error": error,
            "kinds": list(RegisterType),
            "relationships": list(Relationship),
            "deliveries": list(Delivery),
        },
        status_code=400 if error else 200,
    )


@router.get("/citizen/requests/new", response_class=HTMLResponse)
def citizen_form(request: Request) -> HTMLResponse:
    return _request_form(request, {}, None)


@router.post("/citizen/requests", response_class=HTMLResponse)
def citizen_submit(
    request: Request, form: FormData = Depends(csrf_form), session: Session = Depends(db)
) -> HTMLResponse:
    names = ("kind", "personal_id", "full_name", "date_of_birth", "requester_name",
             "requester_id_no", "requester_contact", "relationship", "authorisation_doc",
             "purpose", "delivery", "postal_address")  # fmt: skip
    values = {n: form_str(form, n).strip() for n in names}
    try:
        item = req.submit_request(
            session,
            kind=values["kind"] or "birth",
            personal_id=values["personal_id"] or None,
            full_name=values["full_name"] or None,
            date_of_birth=values["date_of_birth"] or None,
            requester_name=values["requester_name"],
            requester_id_no=values["requester_id_no"],
            requester_contact=values["requester_contact"],
            relationship=values["relationship"],
            authorisation_doc=values["authorisation_doc"] or None,
            purpose=values["purpose"],
            delivery=values["delivery"] or "electronic",
            postal_address=values["postal_address"] or None,
        )
    except req.RequestRefused as refused:
        rv.log_access(session, CITIZEN, "request_refused", refused.code)
        return _request_form(request, values, str(refused))
    except (CivregError, ValueError):
        rv.log_access(session, CITIZEN, "request_refused", "bad_input")
        return _request_form(request, values, "the request is not complete or not valid")
    return render(request, "citizen_status.html", {"item": item, "extract": None, "new": True})


def _by_token(session: Session, token: str) -> Any:
    item = req.request_by_token(session, token)
    if item is None:
        raise InputError("no request has this link")
    return item


@router.get("/citizen/requests/{token}", response_class=HTMLResponse)
def citizen_status(request: Request, token: str, session: Session = Depends(db)) -> HTMLResponse:
    item = _by_token(session, token)
    extract = req.extract_of_request(session, item)
    return render(request, "citizen_status.html", {"item": item, "extract": extract, "new": False})


@router.get("/citizen/requests/{token}/extract.pdf")
def citizen_download(token: str, session: Session = Depends(db)) -> Response:
    item = _by_token(session, token)
    extract = req.extract_of_request(session, item)
    if extract is None or item.delivery is not Delivery.ELECTRONIC:
        raise InputError("no electronic copy is ready for this request")
    rv.log_access(session, CITIZEN, "download_extract", "citizen request", record_id=item.record_id)
    return pdf_response(extract.pdf, file_name(extract.number_text))


# --- administrators: API clients and the API access log ---------------------------------------


@router.get("/admin/api-clients", response_class=HTMLResponse)
def api_clients(
    request: Request,
    user: User = Depends(require(Action.MANAGE_API_CLIENTS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    return render(
        request,
        "api_clients.html",
        {"clients": agency.clients(session), "scopes": list(agency.Scope), "new_key": None},
    )


@router.post("/admin/api-clients", response_class=HTMLResponse)
def add_api_client(
    request: Request,
    user: User = Depends(require(Action.MANAGE_API_CLIENTS)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> HTMLResponse:
    rate = form_str(form, "rate_per_minute", "60")
    client, key = agency.create_client(
        session,
        form_str(form, "name").strip().lower(),
        [s for s in form.getlist("scopes") if isinstance(s, str)],
        by=user.username,
        rate_per_minute=int(rate) if rate.isdigit() else 60,
    )
    return render(
        request,
        "api_clients.html",
        {
            "clients": agency.clients(session),
            "scopes": list(agency.Scope),
            "new_key": (client.name, key),
        },
    )


@router.post("/admin/api-clients/{client_id}/deactivate")
def deactivate_api_client(
    client_id: int,
    user: User = Depends(require(Action.MANAGE_API_CLIENTS)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    agency.deactivate_client(session, client_id)
    return RedirectResponse("/admin/api-clients", status_code=303)


@router.get("/admin/api-log", response_class=HTMLResponse)
def api_log(
    request: Request,
    client: str = "",
    purpose: str = "",
    person: str = "",
    user: User = Depends(require(Action.MANAGE_API_CLIENTS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    entries = agency.access_log(
        session,
        client_id=int(client) if client.isdigit() else None,
        purpose=purpose or None,
        person=int(person) if person.isdigit() else None,
    )
    return render(
        request,
        "api_log.html",
        {"entries": entries, "clients": agency.clients(session), "purpose": purpose},
    )
