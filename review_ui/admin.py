"""Administrators: users (list, add, deactivate) and the access log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from civreg_cli.errors import InputError
from registry_db import review as rv
from registry_db.models import Role, User
from review_ui.permissions import Action
from review_ui.security import hash_password
from review_ui.web import csrf_form, db, form_str, render, require

router = APIRouter()


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    user: User = Depends(require(Action.MANAGE_USERS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    return render(request, "users.html", {"users": rv.list_users(session), "roles": list(Role)})


@router.post("/admin/users")
def add_user(
    user: User = Depends(require(Action.MANAGE_USERS)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    try:
        password_hash = hash_password(form_str(form, "password"))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    rv.create_user(
        session, form_str(form, "username").strip().lower(), form_str(form, "role"), password_hash
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active")
def set_active(
    user_id: int,
    user: User = Depends(require(Action.MANAGE_USERS)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    if user_id == user.id:
        raise InputError("you cannot deactivate yourself")
    rv.set_user_active(session, user_id, form_str(form, "active") == "1")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/access-log", response_class=HTMLResponse)
def access_log(
    request: Request,
    user: User = Depends(require(Action.VIEW_ACCESS_LOG)),
    session: Session = Depends(db),
) -> HTMLResponse:
    return render(request, "access_log.html", {"entries": rv.access_log(session)})
