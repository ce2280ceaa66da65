"""How much one events upload may hold, and which file types are read.

Each limit is enforced with a clear message saying what to do (split the
file, delete empty rows, shorten a cell), never with a crash or a hang:

* the upload's size (``max_bytes``, :data:`MAX_UPLOAD_BYTES` by default; the
  app passes its ``max_upload_mb`` setting),
* :data:`MAX_EVENTS` event rows (and :data:`MAX_PHYSICAL_ROWS` rows counting
  the empty ones),
* :data:`MAX_COLUMNS` columns, :data:`MAX_CELL_CHARS` characters in one cell,
* for an .xlsx, what its zip may unpack to (:data:`MAX_XLSX_UNPACKED_BYTES`,
  :data:`MAX_XLSX_RATIO`, :data:`MAX_XLSX_ENTRIES`).
"""

from __future__ import annotations

#: One megabyte, as the messages count them.
MB = 1024 * 1024
#: Largest upload read_upload accepts by default (the app passes settings.max_upload_mb).
MAX_UPLOAD_BYTES = 5 * MB
#: Most event rows in one file.
MAX_EVENTS = 20_000
#: Most rows counted with the empty ones (keeps a file of blank lines cheap to refuse).
MAX_PHYSICAL_ROWS = 5 * MAX_EVENTS
#: Most columns (cells in a row).
MAX_COLUMNS = 100
#: Most characters in one cell.
MAX_CELL_CHARS = 5_000
#: Most bytes an .xlsx may unpack to, all its parts together.
MAX_XLSX_UNPACKED_BYTES = 50 * MB
#: Largest unpacked/packed size ratio of one .xlsx part bigger than 1 MB (real sheets: ~5-30).
MAX_XLSX_RATIO = 200
#: Most parts (zip entries) in an .xlsx (a workbook has a dozen or two).
MAX_XLSX_ENTRIES = 1_000
#: The file types read_upload reads.
ACCEPTED_EXTENSIONS: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx")
