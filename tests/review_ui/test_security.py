"""Sign-in, session cookies, headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from civreg_cli.settings import Settings
from review_ui.app import create_app
from review_ui.security import (
    SessionCodec,
    SessionData,
    hash_password,
    load_secret_key,
    verify_password,
)
from tests.review_ui.conftest import PASSWORD, csrf_of, login


def test_password_hashes() -> None:
    stored = hash_password("a long enough secret")
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored
    assert verify_password(stored, "a long enough secret") == (True, None)
    assert verify_password(stored, "a long enough secreT")[0] is False
    assert verify_password("not a hash", "x")[0] is False
    with pytest.raises(ValueError):
        hash_password("short")


def test_session_cookie_is_signed_and_expires() -> None:
    codec = SessionCodec("k" * 32, max_age_s=3600)
    cookie = codec.dumps(SessionData(user_id=7, csrf="abc"))
    back = codec.loads(cookie)
    assert back.user_id == 7 and back.csrf == "abc" and not back.dirty
    assert codec.loads(cookie[:-2] + "xx").user_id is None  # tampered
    assert SessionCodec("other" * 8, 3600).loads(cookie).user_id is None  # another key
    assert SessionCodec("k" * 32, max_age_s=-1).loads(cookie).user_id is None  # too old


def test_secret_key_is_made_once_and_private(tmp_path: Path) -> None:
    key = load_secret_key("", tmp_path)
    assert load_secret_key("", tmp_path) == key and len(key) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_secret_key("given", tmp_path) == "given"


def test_sign_in_sets_a_safe_cookie_and_a_new_token(client: TestClient) -> None:
    before = csrf_of(client)
    r = client.post(
        "/login",
        data={"username": "rita", "password": "wrong password", "csrf_token": before},
    )
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    r = client.post(
        "/login",
        data={"username": "nobody", "password": PASSWORD, "csrf_token": before},
    )
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    r = client.post(
        "/login",
        data={
            "username": "Rita",
            "password": PASSWORD,
            "csrf_token": before,
            "next": "//evil.example/",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/books"  # no open redirect
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # turned off for these plain-HTTP tests
    assert csrf_of(client) != before
    page = client.get("/books")
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/whoami").json() == {"username": "rita", "role": "reviewer"}
    r = client.post("/logout", data={"csrf_token": csrf_of(client, "/books")})
    assert r.status_code == 303
    assert client.get("/whoami").json()["username"] is None


def test_cookie_is_secure_when_configured(settings: Settings, users: dict[str, int]) -> None:
    secure = settings.model_copy(update={"cookie_secure": True})
    with TestClient(create_app(secure), base_url="https://testserver", follow_redirects=False) as c:
        r = c.get("/login")
        assert "Secure" in r.headers["set-cookie"]
        login(c, "rita")
        assert c.get("/whoami").json()["username"] == "rita"


def test_a_deactivated_user_is_signed_out(client: TestClient, users: dict[str, int]) -> None:
    token = login(client, "ada")
    r = client.post(
        f"/admin/users/{users['rita']}/active", data={"csrf_token": token, "active": "0"}
    )
    assert r.status_code == 303
    r = client.post(
        f"/admin/users/{users['ada']}/active", data={"csrf_token": token, "active": "0"}
    )
    assert r.status_code == 400 and "yourself" in r.text
    with TestClient(client.app, base_url="http://testserver", follow_redirects=False) as other:
        token = csrf_of(other)
        r = other.post(
            "/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token}
        )
        assert r.status_code == 401
