"""Fakes for the review app's tests: a runner that only queues (no digitization process)."""

from __future__ import annotations

from registry_db import review as rv
from registry_db.models import UploadStatus
from review_ui.jobs import DigitizeRunner


class QueueOnlyRunner(DigitizeRunner):
    """Marks the upload queued and remembers it; never starts a process."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.submitted: list[int] = []

    def submit(self, upload_id: int) -> None:
        with self.sessions() as s:
            rv.mark_upload(s, upload_id, UploadStatus.QUEUED)
        self.submitted.append(upload_id)
