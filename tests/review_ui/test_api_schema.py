"""schemathesis against the agency API's own OpenAPI (``/api/v1/openapi.json``): generated
calls, valid (positive) and invalid (negative), with a key of every scope; no server error,
every response matches its documented status, content type and schema, valid data is accepted
and invalid data refused. Bounded: a fixed number of examples per operation and mode."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from certify import agency
from civreg_cli.settings import Settings
from extraction.types import RegisterType
from registry_db import make_engine, session_factory
from review_ui.app import create_app
from tests.certify.conftest import BIRTH, DEATH, make_register

EXAMPLES = 15
KEY: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    root: Path = tmp_path_factory.mktemp("schema")
    conf = Settings(
        data_dir=root / "data",
        db_url=f"sqlite:///{root / 'registry.sqlite'}",
        cookie_secure=False,
        secret_key="schema-test-key",
    )
    app = create_app(conf)
    engine = make_engine(conf.database_url())
    with session_factory(engine)() as session:
        make_register(session, RegisterType.BIRTH, [BIRTH])
        make_register(session, RegisterType.DEATH, [DEATH])
        _, KEY["all"] = agency.create_client(
            session, "schema", [s.value for s in agency.Scope], by="ada", rate_per_minute=100_000
        )
    yield app
    engine.dispose()


def test_the_api_keeps_to_its_schema(api_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"X-Api-Key": KEY["all"]})

        check()
