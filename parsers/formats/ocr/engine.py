"""The rapidocr engine: its text detector, recogniser and orientation classifier.

rapidocr 3.10 with the PP-OCRv6 small models that ship inside its wheel; their paths are passed
explicitly, so nothing is ever fetched. The engine is created on first use and shared.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import unicodedata
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from .geometry import Box

_MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
DET_SCALE = 0.5  # of a 200-dpi page, for the detector

_engine_obj = None
_engine_lock = threading.Lock()


class Reading(NamedTuple):
    """What the recogniser read in one crop, and how sure it is (0-1)."""

    text: str
    score: float


def _model_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("rapidocr")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "models"


def available() -> bool:
    """rapidocr and onnxruntime importable, and the models bundled with rapidocr present
    (OpenCV is: this module imports it)."""
    try:
        if importlib.util.find_spec("onnxruntime") is None:
            return False
    except (ImportError, ValueError):
        return False
    root = _model_dir()
    return root is not None and all((root / f).is_file() for f in _MODEL_FILES.values())


def _threads() -> int:
    env = os.environ.get("XXGK_OCR_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 4))


def engine():
    """The RapidOCR engine: created on first use (about a second), then shared."""
    global _engine_obj
    if _engine_obj is not None:
        return _engine_obj
    with _engine_lock:
        if _engine_obj is None:
            if not available():
                raise RuntimeError("OCR is not installed (pip install '.[ocr]')")
            from rapidocr import RapidOCR

            root = _model_dir()
            threads = _threads()
            params = {
                "Global.log_level": "error",
                "Global.use_det": True,
                "Global.use_cls": False,
                "Global.use_rec": False,
                "Global.max_side_len": 4000,
                # Never blow a page up to a fixed size: it comes at the scale the detector needs.
                "Det.limit_type": "max",
                "Det.limit_side_len": 4000,
                # Most crops are a cell's number, a few characters wide: padding each to the
                # default 320 columns tripled the recogniser's work.
                "Rec.rec_img_shape": [3, 48, 48],
                "Rec.rec_batch_num": 8,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
            for part, name in _MODEL_FILES.items():
                params[f"{part}.model_path"] = str(root / name)
            _engine_obj = RapidOCR(params=params)
    return _engine_obj


def _bgr(gray: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def recognise(crops: list[np.ndarray]) -> list[Reading]:
    """Text and confidence of each single-line crop (grey), recognised in batches."""
    if not crops:
        return []
    out = engine().recognize_txt([_bgr(c) for c in crops])
    return [Reading(_nfkc(t), float(s)) for t, s in zip(out.txts, out.scores)]


def detect(gray: np.ndarray) -> list[Box]:
    """The boxes of the page's text lines."""
    small = cv2.resize(gray, None, fx=DET_SCALE, fy=DET_SCALE, interpolation=cv2.INTER_AREA)
    m = 16  # the detector misses characters at an image's very edge
    small = cv2.copyMakeBorder(small, m, m, m, m, cv2.BORDER_CONSTANT, value=255)
    res = engine()(_bgr(small), use_det=True, use_cls=False, use_rec=False)
    boxes = getattr(res, "boxes", None)
    if boxes is None:
        return []
    out = []
    for q in np.asarray(boxes):
        xs, ys = (q[:, 0] - m) / DET_SCALE, (q[:, 1] - m) / DET_SCALE
        out.append(Box(int(xs.min()), int(ys.min()),
                       int(np.ceil(xs.max())), int(np.ceil(ys.max()))))
    return out


def upside_down(crops: list[np.ndarray]) -> int:
    """How many of the text-line crops (grey) the classifier is sure are upside down."""
    _, res = engine().cls_and_rotate([_bgr(c) for c in crops])
    return sum(1 for label, score in res.cls_res if "180" in label and score > 0.9)


# The recogniser reads Chinese in both scripts and now and then returns a traditional form
# (規章, 行政強制); the template's words are simplified. Traditional -> simplified for the
# characters of the template's labels and of organ names.
_SIMPLIFIED = str.maketrans(
    "規範許對處罰強業費採購發廢現數決額單萬總項減構會組織務計請結轉國護權類過執詢無機關沒補"
    "後確訪舉報訴復複當認獲繳納續議訟維糾審經動開況條鉤係辦問題進層區縣鎮鄉廳員華門實際體東"
    "島陽遼蘇閩貴雲陝寧鄂濟龍廣灣邊莊園劃電網絡統數據應農資產標準醫療衛環銷稅礦訊漢衛顧戶檔",
    "规范许对处罚强业费采购发废现数决额单万总项减构会组织务计请结转国护权类过执询无机关没补"
    "后确访举报诉复复当认获缴纳续议讼维纠审经动开况条钩系办问题进层区县镇乡厅员华门实际体东"
    "岛阳辽苏闽贵云陕宁鄂济龙广湾边庄园划电网络统数据应农资产标准医疗卫环销税矿讯汉卫顾户档")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_SIMPLIFIED).strip()
