"""``civreg user add``: the password never on the command line, stored as an argon2 hash."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from civreg_cli.main import app
from registry_db import make_engine, session_factory
from registry_db import review as rv
from review_ui.security import verify_password


def test_user_add_from_stdin_and_env(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    runner = CliRunner()
    args = ["user", "add", "lan", "--role", "reviewer", "--db", db, "--password-stdin"]
    done = runner.invoke(app, args, input="a long secret phrase\n")
    assert done.exit_code == 0, done.output
    assert "added user lan (reviewer)" in done.output
    done = runner.invoke(
        app,
        ["user", "add", "minh", "--role", "supervisor", "--db", db],
        env={"CIVREG_NEW_PASSWORD": "another long phrase"},
    )
    assert done.exit_code == 0, done.output
    engine = make_engine(db)
    with session_factory(engine)() as s:
        lan = rv.get_user_by_name(s, "lan")
        assert lan is not None and lan.password_hash.startswith("$argon2id$")
        assert verify_password(lan.password_hash, "a long secret phrase")[0]
        assert not verify_password(lan.password_hash, "a long secret phrase!")[0]
    engine.dispose()
    again = runner.invoke(app, args, input="a long secret phrase\n")
    assert again.exit_code != 0 and "already exists" in str(again.exception)
    short = runner.invoke(app, [*args[:2], "hoa", *args[3:]], input="short\n")
    assert short.exit_code != 0 and "at least 10" in str(short.exception)
    bad_role = runner.invoke(
        app,
        ["user", "add", "hoa", "--role", "boss", "--db", db, "--password-stdin"],
        input="a long secret phrase\n",
    )
    assert bad_role.exit_code != 0 and "unknown role" in str(bad_role.exception)
