"""How fast the review screen answers for a book of 1,000 records (target ≤ 200 ms server-side).

A birth book of 1,000 generated records (31 fields each, 3 % of fields doubtful, with
revision 1 of every field as the pipeline writes it) is loaded straight into a fresh database,
with one 2480 × 3508 page image per ten records. Then, through the app in this process (no
network), each request is timed from the moment the app receives it to its last byte:

- the review screen ``GET /records/{id}`` of 200 records needing review (signed in as a reviewer;
  each read is also written to the access log, as in production);
- saving a field (``POST``, accept) and the queue page;
- a field's crop, the first time (the 10 MB page decoded once) and from the cache.

    .venv/bin/python -m bench.review_speed [--db URL] [--records 1000]

Writes ``bench/results/review_speed.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from bench.common import RESULTS
from civreg_cli.settings import Settings
from extraction.forms import BIRTH_FIELDS
from registry_db import make_engine, session_factory, upgrade
from registry_db import review as rv
from registry_db.models import (
    Book,
    BookStatus,
    FieldRevision,
    FieldSource,
    FieldValueRow,
    Page,
    PageStatus,
    Record,
)
from review_ui.app import create_app
from review_ui.security import hash_password

TARGET_MS = 200.0
RECORDS_PER_PAGE = 10
PAGE_SIZE = (2480, 3508)
PASSWORD = "benchmark password"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _page_image(path: Path) -> None:
    """A grey A4 page at 300 dpi: lines of text-like marks on grainy paper (a scan of
    several MB as PNG; the grain is what makes real scans large)."""
    rng = random.Random(7)
    paper = np.random.default_rng(7).normal(232, 14, (PAGE_SIZE[1], PAGE_SIZE[0]))
    image = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8), "L")
    draw = ImageDraw.Draw(image)
    for y in range(150, PAGE_SIZE[1] - 150, 48):
        x = 120
        while x < PAGE_SIZE[0] - 200:
            w = rng.randint(30, 160)
            draw.rectangle((x, y, x + w, y + 26), fill=rng.randint(10, 80))
            x += w + rng.randint(15, 40)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


SAMPLE_VALUES = {
    "date": "2016-03-02",
    "date_words": "2016-03-02",
    "year": "1990",
    "sex": "Nam",
    "personal_id": "001216000123",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
}
CATEGORY_VALUES = {"registration_kind": "dung_han", "declarant.id_doc_type": "cccd"}


def _value(key: str, ftype: str, n: int) -> str:
    """A value of the field's form (what the review screen may save unchanged)."""
    if key in CATEGORY_VALUES:
        return CATEGORY_VALUES[key]
    return SAMPLE_VALUES.get(ftype, f"Nguyễn Văn {n}")


def load_book(engine: sa.Engine, data_dir: Path, records: int) -> int:
    """A done birth book of ``records`` generated records; returns its id."""
    rng = random.Random(2026)
    pages = (records + RECORDS_PER_PAGE - 1) // RECORDS_PER_PAGE
    image = data_dir / "pages" / "bench-page.png"
    _page_image(image)
    with engine.begin() as c:
        book_id = c.execute(
            sa.insert(Book).returning(Book.id),
            {
                "register_type": "birth",
                "book_no": "BENCH/2016",
                "year": 2016,
                "registration_authority": "UBND phường Bench",
                "source_sha256": "b" * 64,
                "source_name": "bench.pdf",
                "page_count": pages,
                "status": BookStatus.DONE,
            },
        ).scalar_one()
        c.execute(
            sa.insert(Page),
            [
                {
                    "book_id": book_id,
                    "page_no": n,
                    "sha256": f"{n:064x}",
                    "image_path": str(image),
                    "width": PAGE_SIZE[0],
                    "height": PAGE_SIZE[1],
                    "dpi": 300,
                    "status": PageStatus.EXTRACTED,
                }
                for n in range(1, pages + 1)
            ],
        )
        record_rows = []
        for i in range(records):
            record_rows.append(
                {
                    "book_id": book_id,
                    "page_no": i // RECORDS_PER_PAGE + 1,
                    "index_on_page": i % RECORDS_PER_PAGE,
                    "entry_no": str(i + 1),
                    "pages": [i // RECORDS_PER_PAGE + 1],
                    "status": "accepted",
                    "extractor_version": "bench",
                }
            )
        c.execute(sa.insert(Record), record_rows)
        ids = c.execute(
            sa.select(Record.id, Record.index_on_page).where(Record.book_id == book_id)
        ).all()
        fields = []
        doubtful_records = set()
        for record_id, index in ids:
            top = 150 + (index % 3) * 1100
            for k, spec in enumerate(BIRTH_FIELDS):
                doubtful = rng.random() < 0.03
                if doubtful:
                    doubtful_records.add(record_id)
                value = _value(spec.key, spec.type.value, record_id)
                fields.append(
                    {
                        "record_id": record_id,
                        "key": spec.key,
                        "value": value,
                        "raw": value,
                        "confidence": 0.6 if doubtful else 0.98,
                        "page_no": (record_id % pages) + 1,
                        "bbox": [300, top + 30 * k, 1500, top + 30 * k + 26],
                        "status": "needs_review" if doubtful else "accepted",
                        "reasons": ["low_confidence"] if doubtful else [],
                        "version": 1,
                        "source": FieldSource.OCR,
                    }
                )
        c.execute(sa.insert(FieldValueRow), fields)
        c.execute(
            sa.update(Record).where(Record.id.in_(doubtful_records)).values(status="needs_review")
        )
        c.execute(
            sa.insert(FieldRevision).from_select(
                [
                    "field_value_id",
                    "revision_no",
                    "old_value",
                    "new_value",
                    "old_status",
                    "new_status",
                    "changed_by",
                    "reason",
                ],
                sa.select(
                    FieldValueRow.id,
                    sa.literal(1),
                    sa.null(),
                    FieldValueRow.value,
                    sa.null(),
                    FieldValueRow.status,
                    sa.literal("pipeline:bench"),
                    sa.literal("extracted"),
                ),
            )
        )
    return int(book_id)


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def run(db_url: str | None, records: int, samples: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="civreg-review-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        url = db_url or f"sqlite:///{Path(tmp) / 'registry.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        book_id = load_book(engine, data_dir, records)
        load_s = time.perf_counter() - t0
        with session_factory(engine)() as s:
            rv.create_user(s, "bench", "reviewer", hash_password(PASSWORD))
            queue = rv.review_queue(s, book_id=book_id, limit=10_000)
        settings = Settings(data_dir=data_dir, db_url=url, cookie_secure=False, secret_key="bench")
        app = create_app(settings)
        timings: dict[str, list[float]] = {"review_screen": [], "save_field": [], "queue": []}

        @app.middleware("http")
        async def timer(request: Any, call_next: Any) -> Any:
            start = time.perf_counter()
            response = await call_next(request)
            body = b"".join([chunk async for chunk in response.body_iterator])
            elapsed = (time.perf_counter() - start) * 1000
            request.state.elapsed_ms = elapsed
            response.headers["x-elapsed-ms"] = f"{elapsed:.3f}"
            from starlette.responses import Response

            return Response(body, response.status_code, dict(response.headers))

        with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
            token = _CSRF.search(client.get("/login").text)
            assert token
            r = client.post(
                "/login",
                data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)},
            )
            assert r.status_code == 303
            rng = random.Random(1)
            chosen = rng.sample(queue, min(samples, len(queue)))
            for item in chosen[:5]:  # warm-up: templates compiled, pools filled
                client.get(f"/records/{item.record_id}")
            for item in chosen:
                r = client.get(f"/records/{item.record_id}")
                assert r.status_code == 200
                timings["review_screen"].append(float(r.headers["x-elapsed-ms"]))
            page = client.get(f"/records/{chosen[0].record_id}").text
            csrf = _CSRF.search(page)
            assert csrf
            for item in chosen[:50]:
                form = client.get(f"/records/{item.record_id}").text
                found = re.search(
                    r'li class="field doubtful"[^>]*data-field-id="(\d+)".*?name="version" '
                    r'value="(\d+)".*?name="value"[^>]*value="([^"]*)"',
                    form,
                    re.S,
                )
                assert found, "no doubtful field on a queued record"
                fid, version, value = found.groups()
                r = client.post(
                    f"/records/{item.record_id}/fields/{fid}",
                    data={"csrf_token": csrf.group(1), "version": version, "value": value},
                )
                assert r.status_code == 303, r.text[:300]
                timings["save_field"].append(float(r.headers["x-elapsed-ms"]))
            for _ in range(20):
                r = client.get(f"/queue?book={book_id}")
                timings["queue"].append(float(r.headers["x-elapsed-ms"]))
            field_id = re.search(r'data-field-id="(\d+)"', page)
            assert field_id
            cold = client.get(f"/fields/{field_id.group(1)}/crop.png")
            warm = [client.get(f"/fields/{field_id.group(1)}/crop.png") for _ in range(10)]
            assert cold.status_code == 200
            crop = {
                "first_ms": round(float(cold.headers["x-elapsed-ms"]), 1),
                "cached_p50_ms": round(
                    statistics.median(float(w.headers["x-elapsed-ms"]) for w in warm), 1
                ),
                "crop_bytes": len(cold.content),
                "page_png_bytes": (data_dir / "pages" / "bench-page.png").stat().st_size,
            }
        backend = engine.dialect.name
        engine.dispose()
    screen = _ms(timings["review_screen"])
    result: dict[str, Any] = {
        "backend": backend,
        "records": records,
        "fields": records * len(BIRTH_FIELDS),
        "records_needing_review": len(queue),
        "load_seconds": round(load_s, 1),
        "target_ms": TARGET_MS,
        **{k: _ms(v) for k, v in timings.items()},
        "crop": crop,
    }
    result["met"] = screen["p95_ms"] <= TARGET_MS
    return result


def write(results: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "review_speed.json").write_text(json.dumps(results, indent=1) + "\n")
    lines = [
        "# Review screen speed (server-side, 1,000-record book)",
        "",
        "Time from the app receiving the request to its last byte (no network), this 2-core "
        "machine. `bench/review_speed.py`.",
        "",
        "| backend | request | n | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        for name in ("review_screen", "save_field", "queue"):
            t = r[name]
            lines.append(
                f"| {r['backend']} | {name} | {t['n']} | {t['p50_ms']} | {t['p95_ms']} | "
                f"{t['max_ms']} |"
            )
    lines.append("")
    for r in results:
        c = r["crop"]
        lines.append(
            f"- {r['backend']}: {r['records']} records, {r['fields']} fields, "
            f"{r['records_needing_review']} records needing review; review screen p95 "
            f"{r['review_screen']['p95_ms']} ms (target ≤ {r['target_ms']:.0f} ms: "
            f"{'met' if r['met'] else 'NOT met'}). Field crop: {c['first_ms']} ms the first "
            f"time (the {c['page_png_bytes'] / 2**20:.1f} MB page decoded once), "
            f"{c['cached_p50_ms']} ms cached; {c['crop_bytes'] / 1024:.0f} KB sent instead of "
            "the page."
        )
    (RESULTS / "review_speed.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="database URL (repeat; default SQLite)")
    parser.add_argument(
        "--pg", action="store_true", help="also on PostgreSQL (a scratch database, dropped after)"
    )
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    results = [run(db, args.records, args.samples) for db in (args.db or [None])]
    if args.pg:
        from registry_db.testing import postgres_server, scratch_database

        with postgres_server() as server, scratch_database(server, "civreg_bench") as url:
            results.append(
                run(url.render_as_string(hide_password=False), args.records, args.samples)
            )
    write(results)
    print((RESULTS / "review_speed.md").read_text())


if __name__ == "__main__":
    main()
