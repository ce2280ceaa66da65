"""The event store: versions in a database, and publishing a change as a new version."""
