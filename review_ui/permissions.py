"""Who may do what: the one table of roles × actions. Every route names its action here.

Each role does its own work and no other's (archive staff do not review, reviewers do not approve,
an administrator manages people, not records). A supervisor also reviews: disagreements and
audit findings end with them.
"""

from __future__ import annotations

from enum import StrEnum

from registry_db.models import Role


class Action(StrEnum):
    VIEW_BOOKS = "view_books"  # the books page and a book's progress (no personal data)
    UPLOAD = "upload"  # upload a scanned book, which starts its digitization
    RETRY = "retry"  # run a book's digitization again (its failed pages)
    VIEW_PAGE = "view_page"  # a page image of a book
    REVIEW = "review"  # the queue, a record's review screen and field images
    EDIT_FIELD = "edit_field"  # accept or correct a field
    APPROVE = "approve"  # approve or reopen a book
    RESOLVE = "resolve"  # decide a field two blind keyings disagree on
    AUDIT = "audit"  # draw and check the audit sample of auto-accepted fields
    DASHBOARD = "dashboard"  # statistics per book and per reviewer
    MANAGE_USERS = "manage_users"  # list, add and deactivate users
    VIEW_ACCESS_LOG = "view_access_log"  # who read which record, when, why
    ISSUE_EXTRACT = "issue_extract"  # issue, download, revoke and reissue certificate extracts
    HANDLE_REQUESTS = "handle_requests"  # citizens' extract requests: approve, refuse, fee, issue
    MANAGE_API_CLIENTS = "manage_api_clients"  # agencies' API keys and their access log


_A, _R, _S, _AD = Role.ARCHIVE_STAFF, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_BOOKS: frozenset({_A, _R, _S, _AD}),
    Action.UPLOAD: frozenset({_A}),
    Action.RETRY: frozenset({_A}),
    Action.VIEW_PAGE: frozenset({_A, _R, _S}),
    Action.REVIEW: frozenset({_R, _S}),
    Action.EDIT_FIELD: frozenset({_R, _S}),
    Action.APPROVE: frozenset({_S}),
    Action.RESOLVE: frozenset({_S}),
    Action.AUDIT: frozenset({_S}),
    Action.DASHBOARD: frozenset({_S}),
    Action.MANAGE_USERS: frozenset({_AD}),
    Action.VIEW_ACCESS_LOG: frozenset({_AD}),
    Action.ISSUE_EXTRACT: frozenset({_A, _S}),
    Action.HANDLE_REQUESTS: frozenset({_A, _S}),
    Action.MANAGE_API_CLIENTS: frozenset({_AD}),
}


def allowed(role: Role | str, action: Action) -> bool:
    return Role(role) in PERMISSIONS[action]


def actions_of(role: Role | str) -> list[Action]:
    return [a for a in Action if allowed(role, a)]
