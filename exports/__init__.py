"""Standard exports of the registry: the Ministry's exchange package (a zip per book: a colour
PDF per record and an XLSX with a row per record), ALTO XML v4 per page, and a searchable PDF
per book whose invisible text layer is our OCR (no second OCR)."""
