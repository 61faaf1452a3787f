"""What every table and column holds is said once (archive/descriptions.py): every column of the
schema is described, nothing described is missing from it, and docs/archive.md's column
reference is the one generated from it."""

from pathlib import Path

from archive import descriptions

DOC = Path(__file__).resolve().parents[1] / "docs" / "archive.md"


def test_every_column_described_and_none_stale():
    columns = descriptions.archive_columns()
    described = descriptions.describe(columns)
    for name in [*descriptions.TABLES, *descriptions.VIEWS]:
        assert name in columns, f"{name} is described but not in the schema"
        assert set(described[name]["columns"]) == set(columns[name]), name
        assert all(described[name]["columns"].values()), name


def test_docs_column_reference_in_step():
    text = DOC.read_text(encoding="utf-8")
    reference = descriptions.markdown(descriptions.describe(descriptions.archive_columns()))
    assert descriptions.in_docs(text, reference) == text, (
        "docs/archive.md is out of step: run python -m archive.descriptions docs/archive.md")
    assert "| `kind` | 类型 / added, removed, revised, chrome_only, moved or error |" in text
