"""The events format: the model of an event, reading spreadsheets (CSV, xlsx), validation, exports and diffs."""
