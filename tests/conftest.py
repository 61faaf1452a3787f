import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def cell_map(obj: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): c["value"] for c in obj["cells"]}


@pytest.fixture
def data_dir() -> Path:
    return DATA


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
