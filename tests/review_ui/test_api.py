"""The agency API (SQLite and PostgreSQL): scopes cut the answers, every call is logged with
client, purpose and persons, and bad calls are refused with a clear error and logged: unknown
person, malformed personal number, missing purpose, wrong scope, expired or revoked key,
replayed request, over the rate limit. An extract issued through the API verifies."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from certify import agency
from certify.signing import TestPki, check_signature, make_test_pki
from civreg_cli.settings import Settings
from extraction.types import RegisterType
from registry_db.certificates import ApiAccessLog, Extract
from registry_db.models import utcnow
from tests.certify.conftest import BIRTH, DEATH, make_register

PID = BIRTH["child.personal_id"]
_ids = itertools.count()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def settings(tmp_path: Path, db_url: str, pki: TestPki) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        db_url=db_url,
        cookie_secure=False,
        secret_key="test-secret-key-not-for-production",
        extract_key_file=pki.office_key,
        extract_cert_file=pki.office_cert,
        public_base_url="http://testserver",
    )


@pytest.fixture
def keys(session: Session) -> dict[str, str]:
    make_register(session, RegisterType.BIRTH, [BIRTH])
    make_register(session, RegisterType.DEATH, [DEATH])
    made = {
        "reader": (["person:read", "person:search"], 100, None),
        "searcher": (["person:search"], 100, None),
        "issuer": (["extract:issue"], 100, None),
        "slow": (["person:read"], 2, None),
        "old": (["person:read"], 100, utcnow() - timedelta(days=1)),
        "gone": (["person:read"], 100, None),
    }
    out = {}
    for name, (scopes, rate, expires) in made.items():
        client, key = agency.create_client(
            session, name, scopes, by="ada", rate_per_minute=rate, expires_at=expires
        )
        out[name] = key
        if name == "gone":
            agency.deactivate_client(session, client.id)
    return out


def call(api: TestClient, path: str, key: str | None, **params: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"X-Request-Id": f"req-{next(_ids):06d}"}
    if key:
        headers["X-Api-Key"] = key
    r = api.get(f"/api/v1{path}", params=params, headers=headers)
    return r.status_code, r.json()


def outcomes(session: Session) -> list[str]:
    session.expire_all()
    return list(session.scalars(sa.select(ApiAccessLog.outcome).order_by(ApiAccessLog.id)))


def test_scopes_cut_the_answers_and_every_call_is_logged(
    client: TestClient, session: Session, keys: dict[str, str]
) -> None:
    status, person = call(client, f"/persons/{PID}", keys["reader"], purpose="tax refund 2026")
    assert status == 200
    assert person["full_name"] == BIRTH["child.full_name"] and person["personal_id"] == PID
    assert person["registration"]["office"] == "UBND phường Ngọc Lâm"
    for hidden in ("ethnicity", "mother", "father", "Kinh", BIRTH["mother.full_name"]):
        assert hidden not in str(person)

    status, found = call(
        client,
        "/persons",
        keys["searcher"],
        full_name=BIRTH["child.full_name"],
        date_of_birth="2015-03-15",
        purpose="vehicle ownership check",
    )
    assert status == 200 and len(found["persons"]) == 1
    assert set(found["persons"][0]) == {"person_ref", "full_name", "date_of_birth", "sex",
                                        "deceased"}  # fmt: skip
    status, dead = call(client, "/persons/001040000123", keys["reader"], purpose="cremation aid")
    assert status == 200 and dead["deceased"] and dead["date_of_death"] == "2019-06-28"

    session.expire_all()
    log = session.scalars(sa.select(ApiAccessLog).order_by(ApiAccessLog.id)).all()
    assert [(e.endpoint, e.purpose, e.outcome, len(e.persons)) for e in log] == [
        ("read_person", "tax refund 2026", "ok", 1),
        ("search_persons", "vehicle ownership check", "ok", 1),
        ("read_person", "cremation aid", "ok", 1),
    ]
    rows = agency.access_log(session, purpose="vehicle")
    assert [name for _, name in rows] == ["searcher"]


def test_bad_calls_are_refused_clearly_and_logged(
    client: TestClient, session: Session, keys: dict[str, str]
) -> None:
    why = "tax refund"
    cases = [
        (call(client, "/persons/001399999999", keys["reader"], purpose=why), 404, "unknown_person"),
        (call(client, "/persons/12ab", keys["reader"], purpose=why), 422, "bad_personal_id"),
        (call(client, f"/persons/{PID}", keys["reader"]), 422, "no_purpose"),
        (call(client, f"/persons/{PID}", keys["searcher"], purpose=why), 403, "wrong_scope"),
        (call(client, f"/persons/{PID}", keys["old"], purpose=why), 401, "expired_key"),
        (call(client, f"/persons/{PID}", keys["gone"], purpose=why), 401, "revoked_key"),
        (call(client, f"/persons/{PID}", None, purpose=why), 401, "no_key"),
        (call(client, f"/persons/{PID}", "abc.def", purpose=why), 401, "bad_key"),
    ]
    for (status, body), want_status, want_code in cases:
        assert status == want_status, (want_code, body)
        text = str(body)
        assert want_code in text or want_status == 422, body
        assert BIRTH["child.full_name"] not in text
    assert outcomes(session) == [code for _, _, code in cases]

    headers = {"X-Api-Key": keys["reader"], "X-Request-Id": "same-id-0001"}
    first = client.get(f"/api/v1/persons/{PID}", params={"purpose": why}, headers=headers)
    again = client.get(f"/api/v1/persons/{PID}", params={"purpose": why}, headers=headers)
    assert first.status_code == 200
    assert again.status_code == 409 and again.json()["error"] == "replayed"
    assert outcomes(session)[-2:] == ["ok", "replayed"]
    # A replayed id is refused as a replay even where the call itself would be refused.
    unknown = {"X-Api-Key": keys["reader"], "X-Request-Id": "same-id-0002"}
    statuses = [
        client.get("/api/v1/persons/001399999999", params={"purpose": why}, headers=unknown)
        for _ in range(2)
    ]
    assert [r.status_code for r in statuses] == [404, 409]
    assert statuses[1].json()["error"] == "replayed"
    assert outcomes(session)[-2:] == ["unknown_person", "replayed"]

    limited = [call(client, f"/persons/{PID}", keys["slow"], purpose=why)[0] for _ in range(3)]
    assert limited == [200, 200, 429]
    assert outcomes(session)[-1] == "rate_limited"


def test_an_extract_issued_through_the_api_verifies(
    app: FastAPI, client: TestClient, session: Session, keys: dict[str, str], pki: TestPki
) -> None:
    order = {"personal_id": PID, "kind": "birth", "purpose": "visa application"}
    r = client.post(
        "/api/v1/extracts",
        json=order,
        headers={"X-Api-Key": keys["issuer"], "X-Request-Id": "issue-0001"},
    )
    assert r.status_code == 200, r.text
    issued = r.json()
    assert issued["number"] == "1/TLKS-BS" and issued["signed"]
    pdf = client.get(
        f"/api/v1/extracts/{issued['code']}/pdf",
        params={"purpose": "visa application"},
        headers={"X-Api-Key": keys["issuer"], "X-Request-Id": "issue-0002"},
    )
    assert pdf.status_code == 200
    assert check_signature(pdf.content, [pki.root_cert.read_bytes()]).ok
    assert client.get(f"/api/v1/verify/{issued['code']}").json()["status"] == "valid"
    refused = client.post(
        "/api/v1/extracts",
        json=order,
        headers={"X-Api-Key": keys["reader"], "X-Request-Id": "issue-0003"},
    )
    assert refused.status_code == 403
    replayed = client.post(
        "/api/v1/extracts",
        json=order,
        headers={"X-Api-Key": keys["issuer"], "X-Request-Id": "issue-0001"},
    )
    assert replayed.status_code == 409 and replayed.json()["error"] == "replayed"
    assert session.scalar(sa.select(sa.func.count()).select_from(Extract)) == 1
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/persons/{personal_id}", "/persons", "/extracts", "/verify/{code}"} <= set(
        spec["paths"]
    )
