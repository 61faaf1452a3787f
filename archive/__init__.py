"""The archive: raw files with provenance, an SQLite database, Datasette on top."""
