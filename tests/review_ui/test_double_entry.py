"""Double entry: a doubtful name read with low confidence is keyed twice, the second time blind;
agreement saves it, a disagreement goes to a supervisor."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from civreg_cli.settings import Settings
from extraction.types import FieldStatus
from registry_db import Book, FieldValueRow, Record, field_history
from registry_db.models import DoubleEntry, DoubleEntryState
from tests.review_ui.conftest import login, records_of


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Double entry under 0.7: the fixture's doubtful fields are read at 0.6."""
    return settings.model_copy(update={"double_entry_below": 0.7})


def _name(session: Session, record: Record) -> FieldValueRow:
    session.expire_all()
    row = session.scalar(
        sa.select(FieldValueRow).where(
            FieldValueRow.record_id == record.id, FieldValueRow.key == "child.full_name"
        )
    )
    assert row is not None
    return row


def _key(client: TestClient, token: str, row: FieldValueRow, value: str) -> object:
    return client.post(
        f"/records/{row.record_id}/fields/{row.id}",
        data={"csrf_token": token, "version": str(row.version), "value": value},
    )


def _mode(page: str, key: str) -> str:
    found = re.search(rf'data-key="{re.escape(key)}"[^>]*data-mode="(\w+)"', page)
    assert found, key
    return found.group(1)


def test_two_blind_keyings_that_agree_save_the_field(
    client: TestClient, app: FastAPI, session: Session, review_book: Book
) -> None:
    first, _ = records_of(session, review_book)
    token = login(client, "rita")
    assert _mode(client.get(f"/records/{first.id}").text, "child.full_name") == "first"
    assert _mode(client.get(f"/records/{first.id}").text, "child.sex") == "normal"
    r = _key(client, token, _name(session, first), "Nguyễn Văn An")
    assert r.status_code == 303 and "note=keyed_once" in r.headers["location"]
    row = _name(session, first)
    assert row.version == 1 and row.status is FieldStatus.NEEDS_REVIEW  # not saved yet
    page = client.get(f"/records/{first.id}").text
    assert _mode(page, "child.full_name") == "mine"
    r = _key(client, token, row, "Nguyễn Văn An")
    assert r.status_code == 400 and "waiting for a second reviewer" in r.text

    with TestClient(app, base_url="http://testserver", follow_redirects=False) as ron:
        token_ron = login(ron, "ron")
        page = ron.get(f"/records/{first.id}").text
        assert _mode(page, "child.full_name") == "blind"
        assert "Nguyễn Văn An" not in page  # neither the OCR text nor the first keying
        r = _key(ron, token_ron, row, "Nguyễn  Văn An")
        assert r.status_code == 303 and "note=agreed" in r.headers["location"]
    row = _name(session, first)
    assert row.status is FieldStatus.ACCEPTED and row.value == "Nguyễn Văn An"
    last = field_history(session, row.id)[-1]
    assert (last.changed_by, last.reason) == ("ron", "double entry: rita and ron agree")
    entry = session.scalar(sa.select(DoubleEntry))
    assert entry is not None and entry.state is DoubleEntryState.AGREED


def test_a_disagreement_goes_to_a_supervisor(
    client: TestClient, app: FastAPI, session: Session, review_book: Book
) -> None:
    first, _ = records_of(session, review_book)
    _key(client, login(client, "rita"), _name(session, first), "Nguyễn Văn An")
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as ron:
        r = _key(ron, login(ron, "ron"), _name(session, first), "Nguyễn Văn Ân")
        assert r.status_code == 303 and "note=disagreed" in r.headers["location"]
        assert _mode(ron.get(f"/records/{first.id}").text, "child.full_name") == "supervisor"
        assert ron.get("/double-entry").status_code == 403
    row = _name(session, first)
    assert row.status is FieldStatus.NEEDS_REVIEW and row.version == 1

    token = login(client, "sam")
    page = client.get("/double-entry").text
    assert "«Nguyễn Văn An» (rita)" in page and "«Nguyễn Văn Ân» (ron)" in page
    entry = session.scalar(sa.select(DoubleEntry))
    assert entry is not None and entry.state is DoubleEntryState.DISAGREED
    r = client.post(
        f"/double-entry/{entry.id}", data={"csrf_token": token, "value": "Nguyễn Văn Ân"}
    )
    assert r.status_code == 303
    row = _name(session, first)
    assert row.value == "Nguyễn Văn Ân" and row.status is FieldStatus.ACCEPTED
    assert field_history(session, row.id)[-1].changed_by == "sam"
    session.expire_all()
    assert session.scalar(sa.select(DoubleEntry.state)) is DoubleEntryState.RESOLVED
    dashboard = client.get("/dashboard").text
    assert "<td>rita</td><td>1</td><td>0</td><td>0.0 %</td>" in dashboard
