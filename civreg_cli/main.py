"""The ``civreg`` command line (Typer + Rich). Commands are thin: parse, call, print."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# The CLI shows its own progress and one-line errors; Prefect keeps every run and its logs.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from civreg_cli.errors import CivregError, InputError
from civreg_cli.settings import Settings

app = typer.Typer(
    name="civreg",
    help="Civil-registry digitization: scanned register books → a registry, field by field.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

REGISTER_TYPES = ("birth", "marriage", "death")


def _check_type(register_type: str) -> str:
    if register_type not in REGISTER_TYPES:
        raise InputError(
            f"unknown register type '{register_type}'",
            advice=f"use --type {' | '.join(REGISTER_TYPES)}",
        )
    return register_type


def _settings(db: str | None, data_dir: Path | None) -> Settings:
    s = Settings()
    if db:
        s.db_url = db
    if data_dir:
        s.data_dir = data_dir
    return s


@app.command("sample-book")
def sample_book(
    out: Annotated[
        Path, typer.Argument(help="folder to write the book, truth.jsonl and meta.json")
    ],
    register_type: Annotated[
        str, typer.Option("--type", help="birth | marriage | death")
    ] = "birth",
    layout: Annotated[str, typer.Option(help="form | ledger")] = "form",
    records: Annotated[int, typer.Option(min=1)] = 20,
    seed: Annotated[int, typer.Option()] = 0,
    quality: Annotated[str, typer.Option(help="clean | scan | poor")] = "scan",
    fmt: Annotated[str, typer.Option("--format", help="pdf | tiff | png")] = "pdf",
    spreads: Annotated[
        str,
        typer.Option(
            help="ledger: auto (as the seed draws) | one-image | two-pages (each spread's table "
            "across two page images)"
        ),
    ] = "auto",
) -> None:
    """Render a synthetic register book with its truth."""
    from synth.book import write_sample_book

    if register_type not in REGISTER_TYPES:
        _check_type(register_type)
    meta = write_sample_book(
        out,
        register_type=register_type,
        layout=layout,
        records=records,
        seed=seed,
        quality=quality,
        fmt=fmt,
        spreads=spreads,
    )
    console.print(
        f"wrote {meta['records']} records on {meta['page_count']} pages to {out} "
        f"(book {meta['book_no']}, {meta['registration_authority']})"
    )


class _Bar:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("pages", total=None)
        self.failed = 0

    def start(self, total: int, done: int) -> None:
        self.progress.update(self.task, total=total, completed=done)

    def page(self, outcome: Any) -> None:
        if not outcome.ok:
            self.failed += 1
            err_console.print(f"[yellow]warning:[/] {escape(str(outcome.error))}", soft_wrap=True)
        self.progress.advance(self.task)


@app.command()
def digitize(
    path: Annotated[Path, typer.Argument(help="PDF, multi-page TIFF, image, folder or zip")],
    register_type: Annotated[str, typer.Option("--type", help="birth | marriage | death")],
    book_no: Annotated[str, typer.Option("--book-no", help="Quyển số, e.g. 01/2016")],
    authority: Annotated[str, typer.Option(help='e.g. "UBND phường Ngọc Lâm"')],
    year: Annotated[int | None, typer.Option(help="the book's year")] = None,
    db: Annotated[
        str | None, typer.Option(help="database URL (default: SQLite in data dir)")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="where pages and OCR are kept")] = None,
    workers: Annotated[int | None, typer.Option(help="pages read in parallel")] = None,
) -> None:
    """Digitize one book: ingest, OCR, extract, validate, load; prints a summary."""
    from extraction.types import RegisterType
    from flows.digitize import run_digitize, set_progress_listener
    from flows.steps import BookRequest

    _check_type(register_type)
    s = _settings(db, data_dir)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder", advice="check the path")
    req = BookRequest(path, RegisterType(register_type), book_no, authority, year)
    quiet_prefect_console()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        bar = _Bar(progress)
        set_progress_listener(bar)
        try:
            summary = run_digitize(
                req,
                db_url=s.database_url(),
                data_dir=s.data_dir,
                workers=s.workers if workers is None else workers,
                lang=s.ocr_lang,
            )
        finally:
            set_progress_listener(None)
    from flows.digitize import db_engine
    from flows.steps import entry_number_report

    summary.update(entry_number_report(db_engine(s.database_url()), int(summary["book_id"])))
    _print_summary(summary)


def quiet_prefect_console() -> None:
    """Prefect logs each run's progress and a failed run's traceback to the console; the CLI shows
    its own progress bar and one-line errors instead. Runs and their states stay in Prefect."""
    import logging

    for name in ("prefect.flow_runs", "prefect.task_runs", "prefect", "EventsWorker"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _print_summary(summary: dict[str, Any]) -> None:
    t = Table(title="Book summary", show_header=False)
    for k, v in summary.items():
        if isinstance(v, dict):
            v = ", ".join(f"{a}: {b}" for a, b in sorted(v.items())) or "-"
        elif isinstance(v, float):
            v = f"{v:.2%}" if 0 <= v <= 1 else f"{v:.2f}"
        t.add_row(str(k), str(v))
    console.print(t)


def _export_rows(
    db: str | None, data_dir: Path | None, book_no: str | None
) -> Iterator[dict[str, Any]]:
    from registry_db import repository as repo

    s = _settings(db, data_dir)
    engine = repo.make_engine(s.database_url())
    repo.upgrade(engine)
    with repo.session_factory(engine)() as session:
        yield from repo.iter_export_records(session, book_no=book_no)


STANDARD_EXPORTS = ("exchange", "alto", "searchable-pdf")


def _standard_export(
    fmt: str, book_no: str | None, out: Path | None, db: str | None, data_dir: Path | None
) -> None:
    """The exchange package (zip per book), ALTO per page or a searchable PDF per book."""
    from exports.standard import export_books
    from registry_db import repository as repo

    if out is None:
        raise InputError(f"--format {fmt} writes files", advice="give --out FOLDER")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file", advice="give --out a folder (made if missing)")
    s = _settings(db, data_dir)
    engine = repo.make_engine(s.database_url())
    repo.upgrade(engine)
    with repo.session_factory(engine)() as session:
        for book, report in export_books(session, s.data_dir, fmt, out, book_no=book_no):
            for problem in report.problems:
                err_console.print(f"[yellow]note:[/] {escape(problem)}", soft_wrap=True)
            counts = ", ".join(f"{k}: {v}" for k, v in report.counts.items())
            for path in report.files if fmt != "alto" else report.files[:1]:
                shown = path.parent if fmt == "alto" else path
                console.print(
                    f"{book.name}: {shown} ({counts})",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", help="jsonl | csv | exchange | alto | searchable-pdf")
    ] = "jsonl",
    book_no: Annotated[str | None, typer.Option("--book-no")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="jsonl/csv: file to write (default: standard output); "
            "exchange, alto, searchable-pdf: folder to write into"
        ),
    ] = None,
    db: Annotated[str | None, typer.Option()] = None,
    data_dir: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Export records: one JSON object (or CSV row) per record, values normalised; or the
    standard exports: the exchange package, ALTO XML per page, a searchable PDF per book."""
    if fmt in STANDARD_EXPORTS:
        _standard_export(fmt, book_no, out, db, data_dir)
        return
    if fmt not in ("jsonl", "csv"):
        raise InputError(
            f"unknown export format '{fmt}'",
            advice="use --format jsonl, csv, exchange, alto or searchable-pdf",
        )
    fh = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        rows = _export_rows(db, data_dir, book_no)
        if fmt == "jsonl":
            for rec in rows:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            write_csv(rows, fh)
    finally:
        if out:
            fh.close()


def write_csv(rows: Iterator[dict[str, Any]], fh: Any) -> None:
    """One row per record; a column per key of the registers exported (each register's keys in
    its printed order, a key shared by registers once), then each key's status."""
    from extraction.forms import FORMS

    records = list(rows)
    present = {rec["register_type"] for rec in records} or {"birth"}
    keys = list(dict.fromkeys(k for t, f in FORMS.items() if t in present for k in f.keys))
    head = ["register_type", "book_no", "entry_no", "registration_authority", "pages", "status"]
    w = csv.writer(fh)
    w.writerow(head + keys + [f"{k}:status" for k in keys])
    for rec in records:
        f = rec["fields"]
        w.writerow(
            [rec[h] if h != "pages" else " ".join(map(str, rec[h])) for h in head]
            + [(f.get(k) or {}).get("value") for k in keys]
            + [(f.get(k) or {}).get("status") for k in keys]
        )


@app.command()
def ocr(
    page_image: Annotated[Path, typer.Argument(help="one page image (PNG, JPEG, TIFF)")],
    fmt: Annotated[str, typer.Option("--format", help="text | tsv | json")] = "text",
    raw: Annotated[bool, typer.Option(help="skip our preprocessing")] = False,
) -> None:
    """Print what the engine reads on one page after our preprocessing."""
    from extraction.syllables import text_plausibility
    from flows.steps import shared_engine
    from ocr.page import load_image, read_page
    from ocr.preprocess import PreprocessOptions

    if not page_image.exists():
        raise InputError(f"{page_image}: no such file", advice="check the path")
    opts = (
        PreprocessOptions(
            stamp_suppression=False, deskew=False, remove_leaders=False, remove_rules=False
        )
        if raw
        else None
    )
    reading = read_page(load_image(page_image), shared_engine(), opts, text_plausibility)
    page = reading.text
    if fmt == "text":
        console.print(page.text, markup=False, highlight=False)
    elif fmt == "tsv":
        sys.stdout.write("line\tx0\ty0\tx1\ty1\tconf\ttext\n")
        for i, line in enumerate(page.lines):
            for wd in line.words:
                x0, y0, x1, y1 = wd.bbox
                sys.stdout.write(f"{i}\t{x0}\t{y0}\t{x1}\t{y1}\t{wd.conf:.3f}\t{wd.text}\n")
    elif fmt == "json":
        d = page.to_dict()
        d["warnings"] = reading.warnings
        sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        raise InputError(f"unknown format '{fmt}'", advice="use --format text, tsv or json")
    for wmsg in reading.warnings:
        err_console.print(f"[yellow]note:[/] {page_image.name}: {wmsg}", soft_wrap=True)


@app.command("eval")
def eval_cmd(
    truth: Annotated[Path, typer.Option(help="truth.jsonl of a sample book")],
    export_file: Annotated[Path | None, typer.Option("--export", help="an export .jsonl")] = None,
    book_no: Annotated[str | None, typer.Option("--book-no")] = None,
    db: Annotated[str | None, typer.Option()] = None,
    data_dir: Annotated[Path | None, typer.Option()] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="write the report as JSON")
    ] = None,
) -> None:
    """Field accuracy, CER, straight-through and accepted-but-wrong against a truth file."""
    from extraction.evaluate import evaluate, format_table, read_jsonl

    if not truth.exists():
        raise InputError(f"{truth}: no such file", advice="pass the truth.jsonl of a sample book")
    truth_rows = read_jsonl(truth)
    if export_file:
        pred = read_jsonl(export_file)
    else:
        bn = book_no or (truth_rows[0]["book_no"] if truth_rows else None)
        pred = list(_export_rows(db, data_dir, bn))
    rep = evaluate(truth_rows, pred)
    console.print(format_table(rep), markup=False, highlight=False)
    if json_out:
        json_out.write_text(
            json.dumps(rep.as_dict(), indent=1, ensure_ascii=False), encoding="utf-8"
        )


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="folder for the demo's book, data and database")] = Path(
        "demo-out"
    ),
    records: Annotated[int, typer.Option()] = 20,
    quality: Annotated[str, typer.Option()] = "scan",
) -> None:
    """Render a sample birth book, digitize it, and print the evaluation."""
    import shutil

    from synth.book import write_sample_book

    if (out / "book" / "meta.json").exists() or (out / "civreg.sqlite").exists():
        shutil.rmtree(out)  # an earlier demo's output: start afresh, so the demo shows this code

    book_dir = out / "book"
    meta = write_sample_book(book_dir, records=records, seed=2026, quality=quality, fmt="pdf")
    console.print(f"[bold]1/3[/] rendered {meta['records']} records on {meta['page_count']} pages")
    data = out / "data"
    db_url = f"sqlite:///{(out / 'civreg.sqlite').resolve()}"
    console.print("[bold]2/3[/] digitizing (Prefect flow digitize_book)")
    digitize(
        book_dir / "book.pdf",
        register_type="birth",
        book_no=meta["book_no"],
        authority=meta["registration_authority"],
        year=meta.get("year"),
        db=db_url,
        data_dir=data,
        workers=None,
    )
    console.print("[bold]3/3[/] evaluation against truth.jsonl")
    eval_cmd(
        truth=book_dir / "truth.jsonl",
        export_file=None,
        book_no=meta["book_no"],
        db=db_url,
        data_dir=data,
        json_out=out / "eval.json",
    )


user_app = typer.Typer(help="Users of the review web app.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="login name: lower-case letters, digits, . _ -")],
    role: Annotated[str, typer.Option(help="archive_staff | reviewer | supervisor | admin")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
    db: Annotated[str | None, typer.Option()] = None,
    data_dir: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Add a user. The password comes from $CIVREG_NEW_PASSWORD, standard input
    (--password-stdin) or a prompt; it is stored as an argon2 hash only."""
    from registry_db import repository as repo
    from registry_db import review as rv
    from review_ui.security import hash_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif os.environ.get("CIVREG_NEW_PASSWORD"):
        password = os.environ["CIVREG_NEW_PASSWORD"]
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    s = _settings(db, data_dir)
    engine = repo.make_engine(s.database_url())
    try:
        repo.upgrade(engine)
        with repo.session_factory(engine)() as session:
            user = rv.create_user(session, username, role, password_hash)
            console.print(f"added user {user.username} ({user.role.value})")
    finally:
        engine.dispose()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="server processes (default 1; one a core for an API under load)"),
    ] = None,
    db: Annotated[str | None, typer.Option()] = None,
    data_dir: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Start the review web app (uploads, review, approval) and the agency API. Behind HTTPS in
    production; set CIVREG_COOKIE_SECURE=false only to try it over plain HTTP on this machine."""
    from review_ui.app import serve as serve_app

    s = _settings(db, data_dir)
    count = workers if workers is not None else s.serve_workers
    if count < 1:
        raise InputError(f"--workers must be 1 or more (got {count})")
    if s.cookie_secure:
        console.print(
            "note: session cookies are Secure: serve behind HTTPS, or set "
            "CIVREG_COOKIE_SECURE=false to try the app over plain HTTP on this machine"
        )
    serve_app(s, host=host or s.serve_host, port=port or s.serve_port, workers=count)


@app.command("link-file")
def link_file(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="a .csv or .parquet file")],
    id_column: Annotated[str, typer.Option("--id", help="column with each record's unique id")],
    out: Annotated[Path, typer.Option(help="clusters file to write: id,cluster_id")],
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="name=COLUMN, e.g. given_name=first_name (repeatable)"),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="match weight (bits) to link automatically")
    ] = None,
    review_threshold: Annotated[
        float | None, typer.Option(help="match weight (bits) to queue a pair for review")
    ] = None,
    review_out: Annotated[
        Path | None, typer.Option(help="write the review queue (pairs with their weights)")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="saved model JSON, or 'registry' for the shipped one "
            "(default: train on the input, without labels)"
        ),
    ] = None,
    save_model: Annotated[Path | None, typer.Option(help="write the model used")] = None,
) -> None:
    """Link a list of person records against itself: which records are the same person."""
    from linkage import Thresholds, link_mentions, load_model
    from linkage import save_model as write_model
    from linkage.io import mention_table, parse_mapping, read_table, write_clusters, write_review

    maps = parse_mapping(mapping or [])
    records = read_table(input_file)
    mentions = mention_table(records, id_column=id_column, mapping=maps, source=input_file.name)
    default = Thresholds()
    link_at = default.link if threshold is None else threshold
    review_at = min(default.review, link_at) if review_threshold is None else review_threshold
    if review_at > link_at:
        raise InputError("--review-threshold is above --threshold", advice="lower it")
    saved = None
    if model == "registry":
        from linkage.registry_model import registry_model

        saved = registry_model()
    elif model is not None:
        if not Path(model).is_file():
            raise InputError(f"{model}: no such model file", advice="check the path")
        try:
            saved = load_model(Path(model))
        except ValueError as exc:
            raise InputError(str(exc), advice="give a model written by --save-model") from exc
    try:
        result = link_mentions(mentions, thresholds=Thresholds(link_at, review_at), model=saved)
    except ValueError as exc:
        raise InputError(f"{input_file.name}: {exc}") from exc
    write_clusters(result, out)
    n_review = write_review(result, review_out) if review_out else len(result.review())
    if save_model:
        write_model(result.model, save_model)
    n_clusters = result.clusters["cluster_id"].nunique()
    console.print(
        f"{len(mentions)} records → {n_clusters} persons; {len(result.linked())} links, "
        f"{n_review} pairs for review; wrote {out}" + (f" and {review_out}" if review_out else ""),
        soft_wrap=True,
    )


@app.command("sample-population")
def sample_population(
    out: Annotated[Path, typer.Argument(help="CSV file to write (or a folder: mentions.csv)")],
    families: Annotated[int, typer.Option(min=1, help="founding couples")] = 100,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Generate a population's person mentions (births, marriages, deaths) with noise and the
    true person of each mention."""
    from linkage.population import write_population

    path = out if out.suffix.lower() == ".csv" else out / "mentions.csv"
    n = write_population(path, families, seed)
    console.print(f"wrote {n} mentions of {families} families to {path}")


@app.command("link")
def link_cmd(
    book_no: Annotated[
        str | None, typer.Option("--book-no", help="build the mentions of this book only")
    ] = None,
    db: Annotated[str | None, typer.Option()] = None,
    data_dir: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Link the registry's persons: mentions from the records, linked across every book
    (linked / review / not linked); writes persons and links. Running it again changes nothing."""
    from flows.link import link_registry
    from registry_db import repository as repo

    s = _settings(db, data_dir)
    engine = repo.make_engine(s.database_url())
    try:
        repo.upgrade(engine)
        out = link_registry(engine, book_no=book_no)
    finally:
        engine.dispose()
    console.print(
        f"{out['mentions']} mentions → {out['persons']} persons ({out['persons_new']} new); "
        f"{out['links_changed']} links changed, {out['review_open']} pairs for review",
        soft_wrap=True,
    )


person_app = typer.Typer(help="Persons the registry knows (after `civreg link`).")
app.add_typer(person_app, name="person")


def _person_session(db: str | None, data_dir: Path | None) -> Iterator[Any]:
    from registry_db import repository as repo

    s = _settings(db, data_dir)
    engine = repo.make_engine(s.database_url())
    try:
        repo.upgrade(engine)
        with repo.session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@person_app.command("show")
def person_show(
    person_id: Annotated[int | None, typer.Argument(help="person id")] = None,
    pid: Annotated[str | None, typer.Option("--pid", help="personal number")] = None,
    db: Annotated[str | None, typer.Option()] = None,
    data_dir: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """A person with events, parents, spouses and children, each with its provenance (JSON)."""
    from registry_db import queries as q

    if (person_id is None) == (pid is None):
        raise InputError("give a person id or --pid, not both")
    for session in _person_session(db, data_dir):
        ids = [person_id] if person_id is not None else [
            p.person_id for p in q.persons_by_personal_number(session, pid or "")
        ]  # fmt: skip
        found = [x for x in (q.person_summary(session, i) for i in ids) if x is not None]
        if not found:
            raise InputError("no such person", advice="check the id or number")
        for item in found:
            sys.stdout.write(json.dumps(item, ensure_ascii=False, indent=1) + "\n")


@person_app.command("search")
def person_search(
    name: Annotated[str, typer.Argument(help="a name, with or without accents")],
    dob: Annotated[str | None, typer.Option(help="date of birth, yyyy-mm-dd")] = None,
    year: Annotated[int | None, typer.Option(help="year of birth")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    db: Annotated[str | None, typer.Option()] = None,
    data_dir: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Persons by name (accent-insensitive, fuzzy) and date or year of birth."""
    from datetime import date

    from registry_db import queries as q

    born = None
    if dob:
        try:
            born = date.fromisoformat(dob)
        except ValueError:
            raise InputError("--dob must be yyyy-mm-dd") from None
    for session in _person_session(db, data_dir):
        hits = q.search_persons(session, name, date_of_birth=born, birth_year=year, limit=limit)
        t = Table("id", "name", "born", "sex", "personal no.", "mentions", "score")
        for h in hits:
            p = h.person
            t.add_row(
                str(p.person_id),
                p.full_name or "",
                p.date_of_birth or (str(p.birth_year) if p.birth_year else ""),
                p.sex or "",
                p.personal_id or "",
                str(p.mention_count),
                f"{h.score:.2f}",
            )
        console.print(t)


def main() -> None:
    """Entry point: the one place that turns project errors into messages and exit codes."""
    try:
        app(standalone_mode=False)
    except CivregError as exc:
        # soft_wrap: an error is one line whatever the console's width (no terminal in CI)
        err_console.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
