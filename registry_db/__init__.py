"""The registry database: schema (SQLAlchemy 2 models + Alembic migrations) and the repository
functions the pipeline and the review app call.

    engine = make_engine("sqlite:///data/registry.sqlite")
    upgrade(engine)
    with session_factory(engine)() as session:
        book = get_or_create_book(session, register_type="birth", book_no="01", ...)
"""

from registry_db.migrate import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    schema_diff,
    session_factory,
    upgrade,
)
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
from registry_db.repository import (
    REASON_NOT_EXTRACTED,
    ConflictError,
    PageInfo,
    StoredPageLike,
    book_summary,
    export_record,
    field_history,
    finish_book,
    get_book,
    get_or_create_book,
    iter_export_records,
    mark_book,
    mark_page,
    remove_book,
    save_page_records,
    update_field,
    upsert_pages,
)

__all__ = [
    "REASON_NOT_EXTRACTED",
    "Book",
    "BookStatus",
    "ConflictError",
    "FieldRevision",
    "FieldSource",
    "FieldValueRow",
    "Page",
    "PageInfo",
    "PageStatus",
    "Record",
    "StoredPageLike",
    "alembic_config",
    "book_summary",
    "current_revision",
    "downgrade",
    "export_record",
    "field_history",
    "finish_book",
    "get_book",
    "get_or_create_book",
    "head_revision",
    "iter_export_records",
    "make_engine",
    "mark_book",
    "mark_page",
    "remove_book",
    "save_page_records",
    "schema_diff",
    "session_factory",
    "update_field",
    "upgrade",
    "upsert_pages",
]
