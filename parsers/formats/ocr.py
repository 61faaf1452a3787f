"""OCR of scanned pages (images, and PDF pages without a usable text layer), offline.

rapidocr 3.10 with the PP-OCRv6 small models that ship inside its wheel; their paths are passed
explicitly, so nothing is ever fetched. A page is brought to about 200 dpi in grey, deskewed and
turned upright. The text detector runs once on the page (at half scale: it only has to find
lines). Ruling lines are found with OpenCV morphology on the page's ink once the detected
characters are taken out, and every region the rules enclose is one cell: a merged cell is one
region spanning several grid slots, whose covered slots are ``None`` as in the other extractors.
Each text line of a cell is recognised from its own crop, so a line of text never runs across a
rule into the next cell; text outside the tables becomes plain text lines in reading order
(title, organ, year, section headings).

Numbers read by OCR are data a person did not type. A number cell read with low confidence is
read again from a second crop and the surer reading kept; a cell that is numeric but for a
letter (``O`` for ``0``, ``l`` for ``1``) is mended; nothing else is guessed. The template's
consistency checks then flag a misread digit.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..document import Extracted, Row
from ..numbers import parse_number

try:  # the OCR extra; without it available() is False and the callers do without
    import cv2
except ImportError:  # pragma: no cover - depends on the installation
    cv2 = None

DPI = 200
MAX_PIXELS = 40_000_000  # per page, after scaling (A4 at 200 dpi is 3.9 M)
MAX_FRAMES = 50  # pages of one multi-page TIFF
_MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
DET_SCALE = 0.5  # of a 200-dpi page, for the detector
TEXT_FRACTION = 0.5  # of a crop's height that its text fills (the recogniser's input is 48 high)
SURE = 0.95  # a number read with less confidence is read again
LINE_DARKNESS = 18  # a rule's darkness against the paper, averaged along it (0-255)

_engine_obj = None
_engine_lock = threading.Lock()


# --- the engine -----------------------------------------------------------------------------

def _model_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("rapidocr")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "models"


def available() -> bool:
    """rapidocr, onnxruntime and OpenCV importable, and the models bundled with rapidocr present."""
    if cv2 is None:
        return False
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


def _recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and confidence of each single-line crop (grey), recognised in batches."""
    if not crops:
        return []
    out = engine().recognize_txt([_bgr(c) for c in crops])
    return [(_nfkc(t), float(s)) for t, s in zip(out.txts, out.scores)]


def _detect(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the page's text lines."""
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
        out.append((int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))))
    return out


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


# --- the page image --------------------------------------------------------------------------

def _rescale(gray: np.ndarray) -> np.ndarray:
    """Bring a page to about 200 dpi: A4 is 1654 x 2339 pixels there."""
    h, w = gray.shape
    long_side, short_side = max(h, w), min(h, w)
    if long_side / max(short_side, 1) < 2:
        f = 2339 / long_side  # a page
    else:
        f = 1654 / short_side  # a strip: keep its text legible
    f = min(max(f, 0.4), 3.0)
    if 0.85 <= f <= 1.25:
        return gray
    if h * w * f * f > MAX_PIXELS:
        f = (MAX_PIXELS / (h * w)) ** 0.5
    interp = cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA
    return cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=interp)


def _skew_angle(gray: np.ndarray) -> float:
    """The rotation (degrees) that makes text lines and rules horizontal: the angle whose
    row profile of ink is sharpest, searched on a reduced image."""
    h, w = gray.shape
    f = 800 / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    sh, sw = ink.shape
    centre = (sw / 2, sh / 2)

    def sharpness(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rot = cv2.warpAffine(ink, m, (sw, sh), flags=cv2.INTER_LINEAR, borderValue=0)
        return float(np.square(np.diff(rot.sum(axis=1))).sum())

    best = max(np.arange(-5.0, 5.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    return float(best)


def _rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def _deskew(gray: np.ndarray) -> np.ndarray:
    angle = _skew_angle(gray)
    return _rotate(gray, angle) if abs(angle) >= 0.15 else gray


def _upright(gray: np.ndarray, boxes: list) -> tuple[np.ndarray, list, bool]:
    """Turn a page scanned sideways or upside down; True if it was turned."""
    tall = [b for b in boxes if (b[3] - b[1]) >= 3 * (b[2] - b[0])]
    wide = [b for b in boxes if (b[2] - b[0]) >= 3 * (b[3] - b[1])]
    turned = False
    if len(tall) >= 5 and len(tall) > 2 * len(wide):
        gray = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
        turned = True
        wide = [b for b in _detect(gray) if (b[2] - b[0]) >= 3 * (b[3] - b[1])]
    sample = sorted(wide, key=lambda b: b[2] - b[0], reverse=True)[:12]
    if len(sample) >= 3:
        crops = [_bgr(gray[b[1]:b[3], b[0]:b[2]]) for b in sample]
        _, res = engine().cls_and_rotate(crops)
        flipped = sum(1 for label, score in res.cls_res if "180" in label and score > 0.9)
        if flipped * 3 >= 2 * len(sample):
            gray = cv2.rotate(gray, cv2.ROTATE_180)
            turned = True
    if turned:
        gray = _deskew(gray)
        boxes = _detect(gray)
    return gray, boxes, turned


def _darkness(gray: np.ndarray) -> np.ndarray:
    """How much darker than the paper around it each pixel is (0 on paper): a grey or uneven
    scan background drops out."""
    h, w = gray.shape
    f = 8
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((7, 7), np.uint8))
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(cv2.subtract(paper, gray), (3, 3), 0)


# --- ruled tables ----------------------------------------------------------------------------

def _open(img: np.ndarray, kw: int, kh: int) -> np.ndarray:
    return cv2.morphologyEx(img, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh)))


def _anchored(seg: np.ndarray, other: np.ndarray, horizontal: bool, reach: int = 7) -> np.ndarray:
    """The segments whose two ends meet a line of the other direction, as rules do, and those
    that cross two lines of the other direction or more: the rules of a table that runs on
    to the next page end in the open at the page's foot (and start so at the next page's head)."""
    near = cv2.dilate(other, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(seg, connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if horizontal:
            ends = near[y:y + h, x:x + 3].any() and near[y:y + h, x + w - 3:x + w].any()
            along = other[y:y + h, x:x + w].any(axis=0)
        else:
            ends = near[y:y + 3, x:x + w].any() and near[y + h - 3:y + h, x:x + w].any()
            along = other[y:y + h, x:x + w].any(axis=1)
        keep[i] = ends or len(_runs(along[3:-3])) >= 2
    return np.where(keep[lab], 255, 0).astype(np.uint8)


def _closed(hor: np.ndarray, ver: np.ndarray, clear: int, reach: int = 7) -> np.ndarray:
    """The horizontal rules, with a rule drawn where three vertical rules or more end together
    in the open (a table broken off at the foot of a page, or taken up at the head of the
    next): the last row's cells are closed as the page shows them."""
    near = cv2.dilate(hor, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    ends: list[tuple[int, int, int]] = []  # (y, x0, x1) of each open end
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        # Open, and at the table's edge: no horizontal rule beyond it for a while (inside
        # a table, a stroke that stops short of a rule is a character's).
        x0, x1 = max(0, x - 3), x + w + 3
        if not near[y:y + 3, x:x + w].any() and not hor[max(0, y - clear):y, x0:x1].any():
            ends.append((int(y), int(x), int(x + w)))
        if (not near[y + h - 3:y + h, x:x + w].any()
                and not hor[y + h:y + h + clear, x0:x1].any()):
            ends.append((int(y + h - 1), int(x), int(x + w)))
    out = hor.copy()
    h = hor.shape[0]
    loose = []
    for y, x0, x1 in ends:
        # An open end level with a horizontal rule that stops short of it (the head of a
        # page where only some columns are ruled across) is joined to that rule.
        band = hor[max(0, y - 6):min(h, y + 7)]
        rows = np.count_nonzero(band, axis=1)
        if rows.max(initial=0) == 0:
            loose.append((y, x0, x1))
            continue
        r = max(0, y - 6) + int(np.argmax(rows))
        xs = np.flatnonzero(hor[r])
        near_x = int(xs[np.argmin(np.abs(xs - (x0 + x1) / 2))])
        cv2.line(out, ((x0 + x1) // 2, r), (near_x, r), 255, 3)
    ends = sorted(loose)
    group: list[tuple[int, int, int]] = []
    for e in ends + [(10 ** 9, 0, 0)]:
        if group and e[0] - group[0][0] > 6:
            if len(group) >= 3:
                y = int(round(sum(g[0] for g in group) / len(group)))
                x0, x1 = min(g[1] for g in group), max(g[2] for g in group)
                cv2.line(out, (x0, y), (x1, y), 255, 3)
            group = []
        group.append(e)
    return out


def _without_text(dark: np.ndarray, ink: np.ndarray, boxes: list, line_h: float) -> np.ndarray:
    """The page's darkness with the detected characters taken out: each connected piece of ink
    that lies inside a text box and is not a thin stroke (a faint rule breaks into thin pieces)
    is removed, with its anti-aliased rim."""
    inside = np.zeros(ink.shape, np.uint8)
    for x0, y0, x1, y1 in boxes:
        inside[max(0, y0 - 2):y1 + 2, max(0, x0 - 2):x1 + 2] = 1
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    counted = np.bincount(lab[inside > 0], minlength=n)
    thick = max(5, int(0.2 * line_h))
    text = ((counted >= 0.98 * stats[:, cv2.CC_STAT_AREA]) & (stats[:, cv2.CC_STAT_WIDTH] >= thick)
            & (stats[:, cv2.CC_STAT_HEIGHT] >= thick))
    text[0] = False
    gone = cv2.dilate(text[lab].astype(np.uint8), np.ones((3, 3), np.uint8))
    return np.where(gone > 0, 0, dark).astype(np.uint8)


def _line_masks(line_dark: np.ndarray, ink: np.ndarray,
                boxes: list) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules. A scan's faint, broken rules are found on the page's
    darkness with the text taken out, averaged along the rule (bridging gaps, evening out
    noise) and over a pixel of wobble across it; darkness is capped first, so that a black
    stroke is not smeared past its end, and what is thick (text left in, where it touches a
    rule) is dropped. Solid horizontal rules are also taken as long runs of ink, which holds
    where text between two close rules touches both."""
    h, w = line_dark.shape
    hk = max(60, w // 28)
    d = np.minimum(line_dark, 60)
    solid = _open(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8)), hk, 1)
    hor = cv2.dilate(cv2.blur(d, (9, 1)), np.ones((3, 1), np.uint8))
    hor = _open(np.where(hor > LINE_DARKNESS, 255, 0).astype(np.uint8), hk, 1)
    hor = _open(_thin(hor, horizontal=True), hk, 1) | solid
    # What is left is long runs only: bridge the gaps left where a rule passed close to text.
    hor = cv2.morphologyEx(hor, cv2.MORPH_CLOSE, np.ones((1, 31), np.uint8))
    # The vertical kernel must be shorter than the lowest table row and longer than most
    # strokes of a character: take it from the spacing of the horizontal rules.
    ys = np.flatnonzero((hor > 0).any(axis=1))
    gaps = np.diff(ys)
    gaps = gaps[gaps > 12]
    vk = int(np.clip(0.6 * gaps.min(), 15, 60)) if len(gaps) else 30
    ver = cv2.dilate(cv2.blur(d, (1, 9)), np.ones((1, 3), np.uint8))
    ver = _open(np.where(ver > LINE_DARKNESS, 255, 0).astype(np.uint8), 1, vk)
    ver = _open(_thin(ver, horizontal=False), 1, vk)
    # Where a character touches a rule (a label set flush against its cell's edge) the two
    # were thinned away together, leaving a gap a character high.
    line_h = _line_height(boxes)
    ver = _grown(ver, (d > LINE_DARKNESS) & (cv2.dilate(hor, np.ones((3, 1), np.uint8)) == 0),
                 1.2 * line_h)
    # A rule runs from one horizontal rule to the next; a character's stroke touching a rule
    # stops short of the other one.
    ver = _anchored(ver, hor, horizontal=False, reach=5)
    ver = _aligned(ver, hor, float(np.median(gaps)) if len(gaps) else 40.0)
    ver = _outside_text(ver, hor, ink, boxes)
    hor = _closed(_anchored(hor, ver, horizontal=True), ver, int(2 * line_h))
    # A rule whose end was thinned away where text touches the rule it meets (a heading
    # set right under a table) stops a few pixels short of it: join the two again, or the
    # cells on either side run into one another through the gap.
    # (Only rules: the stubs left where a character's stroke was taken out stay stubs.)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    tall = stats[:, cv2.CC_STAT_HEIGHT] >= 12
    tall[0] = False
    ver = np.where(tall[lab], 255, 0).astype(np.uint8)
    reach = np.ones((11, 1), np.uint8)
    ver = ver | (cv2.dilate(ver, reach) & cv2.dilate(hor, reach))
    return hor, ver


def _outside_text(ver: np.ndarray, hor: np.ndarray, ink: np.ndarray,
                  boxes: list) -> np.ndarray:
    """The vertical rules without the strokes of characters that touch the rules of a cramped
    row (the 丨 of 上, a bracket, a lone 1 or 7, or digits stacked in one column).

    Each piece of a vertical rule between two horizontal rules is looked at in the page's ink:
    a rule's ink there is the rule alone, as thin as the rule; a character's stroke belongs to
    a wider piece of ink (the slant or bar of 7, the foot of 1). Such a piece is dropped where
    it is not part of a long rule (two rows at most), where it stands inside a text line the
    detector found, or where no piece of its "rule" is thin. A rule the detector's line ran
    across keeps its thin ink, and stays."""
    across = cv2.dilate(hor, np.ones((7, 1), np.uint8))
    pieces = cv2.bitwise_and(ver, cv2.bitwise_not(across))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(pieces, connectivity=8)
    if n <= 1:
        return ver
    body = cv2.bitwise_and(ink, cv2.bitwise_not(across))
    _, blab, bstats, _ = cv2.connectedComponentsWithStats(body, connectivity=8)
    _, vlab, vstats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    # The rule each piece belongs to, and how many rows that rule spans.
    rule_of = np.zeros(n, np.int64)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        v = vlab[y + h // 2, x:x + w]
        v = v[v > 0]
        rule_of[i] = int(v[0]) if len(v) else 0
    rows_spanned = np.bincount(rule_of[1:], minlength=len(vstats))
    line_h = float(np.median(b[:, 3] - b[:, 1])) if len(b) else 40.0
    drop = np.zeros(n, bool)
    glyphlike = np.zeros(n, bool)
    thin = np.zeros(len(vstats), np.int64)  # thin pieces of each rule
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if h > 1.2 * line_h:
            thin[rule_of[i]] += 1
            continue  # taller than a line of text: no character's stroke
        ids = np.unique(blab[y:y + h, x:x + w])
        ids = ids[ids > 0]
        if not len(ids):
            continue
        x0 = min(bstats[j, cv2.CC_STAT_LEFT] for j in ids)
        x1 = max(bstats[j, cv2.CC_STAT_LEFT] + bstats[j, cv2.CC_STAT_WIDTH] for j in ids)
        # The rule's own width: its narrowest rows (a glyph is as wide as a rule only
        # in its thinnest stroke).
        counts = np.count_nonzero(body[y:y + h, x:x + w], axis=1)
        counts = counts[counts > 0]
        rule = float(np.percentile(counts, 20)) if len(counts) else 0.0
        if x1 - x0 < rule + 3:
            thin[rule_of[i]] += 1
            continue  # as thin as the rule: a rule
        glyphlike[i] = True
        short = rule_of[i] == 0 or rows_spanned[rule_of[i]] <= 2
        cx = x + w / 2
        overlap = np.minimum(b[:, 3], y + h) - np.maximum(b[:, 1], y)
        in_line = ((b[:, 0] + 4 < cx) & (cx < b[:, 2] - 4) & (overlap >= 0.6 * h)).any()
        drop[i] = short or bool(in_line)
    # A "rule" none of whose pieces is thin is a column of characters set one above the other
    # (digits aligned in a column, each touching the rules of its cramped row).
    drop |= glyphlike & (thin[rule_of] == 0)
    if not drop.any():
        return ver
    gone = cv2.dilate(np.where(drop[lab], 255, 0).astype(np.uint8), np.ones((9, 3), np.uint8))
    return cv2.bitwise_and(ver, cv2.bitwise_not(gone))


def _grown(ver: np.ndarray, dark: np.ndarray, least: float) -> np.ndarray:
    """Each vertical rule carried on, up and down, as far as its own column stays dark, up to
    the next horizontal rule (dark is False there). Text set against a rule is thinned away
    with it, over a line of text or two; the rule's own pixels are still there, straight,
    under the text. Never past a horizontal rule: a rule ends where its cells end, and a
    character's stroke in line with it below says nothing. Only what is taller than a line
    of text (`least`) is a rule to carry on; a shorter piece may be a character's stroke."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    if n <= 1:
        return ver
    h = ver.shape[0]
    out = ver.copy()
    for i in range(1, n):
        x, y, w, sh, _ = stats[i]
        if sh <= least:
            continue
        c = x + w // 2
        column = dark[:, max(0, c - 1):c + 2].any(axis=1)
        top, bottom = y, y + sh - 1
        while top > 0 and column[top - 1]:
            top -= 1
        while bottom < h - 1 and column[bottom + 1]:
            bottom += 1
        if top < y or bottom > y + sh - 1:
            out[top:bottom + 1, x:x + w] = 255
    return out


def _thin(mask: np.ndarray, horizontal: bool) -> np.ndarray:
    """The mask without its thick parts: a rule is a few pixels thick, a line of text that
    touches the rules (and so was not taken out) smears into a block."""
    k = (1, 11) if horizontal else (11, 1)
    return cv2.bitwise_and(mask, cv2.bitwise_not(_open(mask, *k)))


def _aligned(ver: np.ndarray, hor: np.ndarray, pitch: float) -> np.ndarray:
    """Vertical rules that span two rows or more (as tall as two rows, or meeting three
    horizontal rules: rows are not all of one height), and the one-row pieces in line with
    them. A character as tall as a cramped row touches both of its rules, but it stands where
    no column rule runs."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    if n <= 1:
        return ver
    centres = stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH] / 2
    long = stats[:, cv2.CC_STAT_HEIGHT] >= 1.8 * pitch
    near = cv2.dilate(hor, np.ones((11, 1), np.uint8))
    for i in range(1, n):
        if not long[i]:
            x, y, w, h, _ = stats[i]
            long[i] = len(_runs(near[y:y + h, x:x + w].any(axis=1))) >= 3
    long[0] = False
    columns = centres[long]
    keep = long.copy()
    for i in range(1, n):
        if not keep[i] and len(columns) and np.min(np.abs(columns - centres[i])) <= 5:
            keep[i] = True
    return np.where(keep[lab], 255, 0).astype(np.uint8)


@dataclass
class _Table:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the outer border
    cells: list[tuple[int, int, int, int, tuple[int, int, int, int]]]  # r0, c0, r1, c1, box
    ys: list[float]  # the rows' edges: row r lies between ys[r] and ys[r + 1]
    nrows: int
    ncols: int


def _cluster(values: list[int], tol: float) -> list[float]:
    values = sorted(values)
    groups = [[values[0]]]
    for v in values[1:]:
        if v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _tables(hor: np.ndarray, ver: np.ndarray) -> list[_Table]:
    """Each connected set of rules that encloses two or more regions is a table; the regions
    are its cells, placed on the grid of their edges."""
    lines = cv2.dilate(hor | ver, np.ones((3, 3), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < 150 or h < 40:
            continue
        free = np.where(lab[y:y + h, x:x + w] == i, 0, 255).astype(np.uint8)
        m, _, cstats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
        boxes = []
        for j in range(1, m):
            cx, cy, cw, ch, area = cstats[j]
            if cx == 0 or cy == 0 or cx + cw >= w or cy + ch >= h:
                continue  # outside the outer border
            if cw < 10 or ch < 10 or area < 0.6 * cw * ch:
                continue  # a gap between double rules, or a region the rules do not close
            boxes.append((int(x + cx), int(y + cy), int(x + cx + cw), int(y + cy + ch)))
        if len(boxes) < 2:
            continue
        # Neighbouring cells' edges lie a rule's width apart: one grid line.
        xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], 10)
        ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes], 10)
        cells = []
        for b in boxes:
            c0, c1 = _nearest(xs, b[0]), _nearest(xs, b[2])
            r0, r1 = _nearest(ys, b[1]), _nearest(ys, b[3])
            if c1 > c0 and r1 > r0:
                cells.append((r0, c0, r1, c1, b))
        if len(cells) < 2:
            continue
        tables.append(_Table((int(x), int(y), int(x + w), int(y + h)), cells, ys,
                             max(c[2] for c in cells), max(c[3] for c in cells)))
    tables.sort(key=lambda t: (t.box[1], t.box[0]))
    return tables


# --- reading cells ---------------------------------------------------------------------------

def _runs(mask_1d: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of the runs of True."""
    padded = np.concatenate(([False], mask_1d, [False]))
    d = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(d[0::2].tolist(), d[1::2].tolist()))


def _merge_runs(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in runs:
        if out and a - out[-1][1] <= gap:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


_DASH = "dash"


def _split_band(counts: np.ndarray, a: int, b: int, char_h: float) -> list[tuple[int, int]]:
    """A band of ink taller than a line of text is lines set close together (their gap
    bridged by a descender or a speck): cut it where it is emptiest, a line's height from
    either end."""
    if b - a < 1.6 * char_h:
        return [(a, b)]
    lo, hi = a + int(0.7 * char_h), b - int(0.7 * char_h)
    if hi <= lo:
        return [(a, b)]
    cut = lo + int(np.argmin(counts[lo:hi]))
    return _split_band(counts, a, cut, char_h) + _split_band(counts, cut + 1, b, char_h)


def _cell_lines(text_ink: np.ndarray, box, char_h: float) -> list:
    """The text lines of a cell, as (x0, y0, x1, y1) in page coordinates; [_DASH] for a cell
    that holds only a short horizontal stroke (a dash printed for "nothing to report")."""
    x0, y0, x1, y1 = box
    inset = 2
    sub = text_ink[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
    if sub.size == 0:
        return []
    # A row holds text if a few of its pixels are ink: a scan's specks do not join two lines,
    # and a lone narrow digit (1, 0) in a wide cell still counts.
    counts = np.count_nonzero(sub, axis=1)
    least = max(2.0, min(0.01 * sub.shape[1], 0.12 * char_h))
    rows = _merge_runs(_runs(counts >= least), max(2, int(0.35 * char_h)))
    rows = [part for a, b in rows for part in _split_band(counts, a, b, char_h)]
    lines = []
    dash = False
    for a, b in rows:
        band = sub[a:b]
        cols = np.flatnonzero(band.any(axis=0))
        if len(cols) == 0:
            continue
        width = int(cols[-1] - cols[0] + 1)
        if b - a < 0.3 * char_h:
            if width >= 0.5 * char_h and b - a <= 0.2 * char_h + 2:
                dash = True
            continue  # a dash, or a speck
        if np.count_nonzero(band) < 6:
            continue
        lines.append([x0 + inset + int(cols[0]), y0 + inset + a,
                      x0 + inset + int(cols[-1]) + 1, y0 + inset + b])
    if not lines and dash:
        return [_DASH]
    # Ink within a few pixels of a rule was taken out with the rule, and with it the top
    # stroke of a character in a tight row (三 read as 二, 申 as 甲): widen each line into the
    # space around it, up to the cell's edge or halfway to the next line.
    pad = max(3, int(0.35 * char_h))
    for k, ln in enumerate(lines):
        above = (lines[k - 1][3] + ln[1]) // 2 if k else y0
        below = (ln[3] + lines[k + 1][1]) // 2 if k + 1 < len(lines) else y1
        ln[0], ln[2] = max(x0, ln[0] - pad), min(x1, ln[2] + pad)
        ln[1], ln[3] = max(above, ln[1] - pad), min(below, ln[3] + pad)
    return [tuple(ln) for ln in lines]


def _crop(gray: np.ndarray, box, fraction: float = TEXT_FRACTION) -> np.ndarray:
    """A line of text with a white margin; the text fills `fraction` of the crop's height
    (the recogniser's work grows with the width it sees at its fixed height)."""
    x0, y0, x1, y1 = box
    h, w = gray.shape
    crop = gray[max(0, y0 - 1):min(h, y1 + 1), max(0, x0 - 1):min(w, x1 + 1)]
    th = crop.shape[0]
    pv = max(2, int(round(th * (1 / fraction - 1) / 2)))
    ph = max(2, int(round(th * 0.25)))
    return cv2.copyMakeBorder(crop, pv, pv, ph, ph, cv2.BORDER_CONSTANT, value=255)


_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0",
                             "l": "1", "I": "1", "|": "1", "i": "1", "!": "1", "]": "1",
                             "[": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                             "g": "9", "q": "9"})
_DASHES = set("-—–―─一－_~")


def _numberish(text: str) -> bool:
    """Digits, possibly misread as look-alike letters: what a number cell gives."""
    t = text.replace(" ", "")
    if not t or len(t) > 14 or not any(ch.isdigit() for ch in t):
        return False
    return parse_number(t.translate(_CONFUSABLE)) is not None


_ALONE = {"O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0", "l": "1", "I": "1",
          "|": "1"}
_MIDDOT = re.compile(r"(?<=\d)\s*[·•・]\s*(?=\d)")
_ITEM_DOT = re.compile(r"^(\d{1,2})\s*[·•・]")


def _clean_cell(text: str) -> str:
    """Mend a number cell's look-alike letters and a dash read as 一; leave other cells."""
    t = text.strip()
    if t and len(t) <= 3 and set(t) <= _DASHES:
        return "—"
    if t in _ALONE:  # a cell of one character that looks like a digit is that digit
        return _ALONE[t]
    # A full stop set in the middle of its box (full-width ．) reads as a middle dot: between
    # digits it is a decimal point, after an item's number the item's full stop.
    t = _ITEM_DOT.sub(r"\1.", _MIDDOT.sub(".", t))
    if " " not in t and _numberish(t):
        digits = sum(ch.isdigit() for ch in t)
        if digits * 2 >= len(t):  # mostly digits already: the letters are misreadings
            return t.translate(_CONFUSABLE)
    return t


def _reread(gray: np.ndarray, lines: list, texts: list[tuple[str, float]]) -> None:
    """Read again, from a looser crop, each number read with low confidence; keep the surer
    reading (in place)."""
    redo = [i for i, (t, s) in enumerate(texts) if s < SURE and _numberish(t)
            and lines[i] is not None]
    if not redo:
        return
    again = _recognise([_crop(gray, lines[i], fraction=0.4) for i in redo])
    for i, (t, s) in zip(redo, again):
        if s > texts[i][1] and _numberish(t):
            texts[i] = (t, s)


_STEMS = set("1Il|/\\7i!LJTtfr")


def _stem_glyph(crop: np.ndarray) -> str | None:
    """Tell 1, 7 and / apart by their shape: a cell's lone stroke is read as 1 whatever its
    slant or bar. A 7 has its bar at the top, 1 its foot at the bottom, / neither and leans
    right. None when the shape says nothing sure."""
    ink = (crop < 128).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    big = stats[:, cv2.CC_STAT_AREA] > 3
    big[0] = False
    if not big.any():
        return None
    ys, xs = np.nonzero(big[lab])
    h = int(ys.max() - ys.min() + 1)
    if h < 8 or len(ys) < 10:
        return None
    slope = float(np.polyfit(ys - ys.mean(), xs - xs.mean(), 1)[0])
    band = max(1, h // 5)

    def spread(rows: np.ndarray) -> float:
        cols = np.flatnonzero(rows.any(axis=0))
        return (cols[-1] - cols[0] + 1) / h if len(cols) else 0.0

    top = spread(big[lab][ys.min():ys.min() + band])
    bottom = spread(big[lab][ys.max() - band + 1:ys.max() + 1])
    if top >= 0.5 and bottom < 0.4:
        return "7"
    if slope <= -0.2 and top < 0.3 and bottom < 0.3:
        return "/"
    if abs(slope) < 0.15 and bottom >= 0.45 and top < 0.5:
        return "1"
    return None


# --- a page ----------------------------------------------------------------------------------

def _line_height(boxes: list) -> float:
    hs = [b[3] - b[1] for b in boxes if (b[2] - b[0]) > (b[3] - b[1])]
    return float(np.median(hs)) if hs else 40.0


def _char_height(text_ink: np.ndarray, tables: list[_Table], line_h: float) -> float:
    """Typical height of a line of text inside the tables."""
    heights = []
    for t in tables:
        for _, _, _, _, (x0, y0, x1, y1) in t.cells:
            sub = text_ink[y0 + 2:y1 - 2, x0 + 2:x1 - 2]
            if sub.size:
                heights.extend(b - a for a, b in _merge_runs(_runs(sub.any(axis=1)), 2)
                               if b - a >= 8)
    return float(np.percentile(heights, 75)) if heights else 0.65 * line_h


def _in_table(box, tables: list[_Table]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(t.box[0] <= cx <= t.box[2] and t.box[1] <= cy <= t.box[3] for t in tables)


def _group_lines(items) -> list[tuple[int, str]]:
    """(y, text) of each text line: boxes whose middles share a line, joined left to right."""
    items = sorted(items, key=lambda i: (i[0] + i[1]) / 2)
    lines: list[list] = []
    for it in items:
        cy = (it[0] + it[1]) / 2
        if lines and lines[-1][0] <= cy <= lines[-1][1]:
            lines[-1][2].append(it)
            lines[-1][0] = min(lines[-1][0], it[0])
            lines[-1][1] = max(lines[-1][1], it[1])
            continue
        lines.append([it[0], it[1], [it]])
    out = []
    for top, bottom, members in lines:
        members.sort(key=lambda i: i[2])
        text = members[0][4]
        for prev, cur in zip(members, members[1:]):
            text += (" " if cur[2] - prev[3] > 0.8 * (bottom - top) else "") + cur[4]
        out.append((int(top), text))
    return out


def _grid(t: _Table, texts: dict[int, list[tuple[float, str]]], dashes: set[int],
          dark: np.ndarray, char_h: float) -> list[list[str | None]]:
    """The table's slots: each cell's text in its top-left slot, None in the slots it covers.

    A rule the scan lost merges two rows' cells: their numbers come out stacked in one cell.
    Where every number cell of a row holds the same count of stacked lines, the row is split
    between them; a cell spanning rows whose stacked lines fall in different rows is split
    the same way. A number wrapped inside its own cell stays one number."""
    ys = list(t.ys)
    single: dict[int, list[int]] = {}
    for ci, (r0, _, r1, _, _) in enumerate(t.cells):
        if r1 == r0 + 1:
            single.setdefault(r0, []).append(ci)
    extra: list[float] = []
    for r, cis in single.items():
        numeric = [ci for ci in cis if texts.get(ci) and all(_numberish(x) for _, x in texts[ci])]
        counts = {len(texts[ci]) for ci in numeric}
        if len(numeric) >= 2 and len(counts) == 1 and (k := counts.pop()) >= 2:
            # The lost rule lies between consecutive numbers: where the number columns are
            # darkest (a faint rule), away from the numbers themselves.
            cols = np.concatenate([np.arange(t.cells[ci][4][0], t.cells[ci][4][2]) for ci in numeric])
            for j in range(1, k):
                lo = float(np.median([sorted(texts[ci])[j - 1][0] for ci in numeric]))
                hi = float(np.median([sorted(texts[ci])[j][0] for ci in numeric]))
                a, b = int(lo + 0.5 * char_h), int(hi - 0.5 * char_h)
                if b > a:
                    profile = dark[a:b][:, cols].mean(axis=1)
                    extra.append(float(a + int(np.argmax(profile))))
                else:
                    extra.append((lo + hi) / 2)
    edges = sorted(ys + extra)

    def row_of(y: float) -> int:
        return max(0, min(len(edges) - 2, int(np.searchsorted(edges, y)) - 1))

    grid: list[list[str | None]] = [[None] * t.ncols for _ in range(len(edges) - 1)]
    for ci, (r0, c0, r1, _, _) in enumerate(t.cells):
        top = edges.index(ys[r0])
        bottom = edges.index(ys[r1])
        if ci in dashes:
            grid[top][c0] = "—"
            continue
        lines = sorted(texts.get(ci, []))
        groups: dict[int, list[str]] = {}
        for yc, txt in lines:
            groups.setdefault(min(max(row_of(yc), top), bottom - 1), []).append(txt)
        splittable = all(_numberish(x) for _, x in lines) or r1 == r0 + 1
        if len(groups) >= 2 and splittable:
            for r, parts in groups.items():
                grid[r][c0] = _clean_cell("\n".join(parts))
        else:
            grid[top][c0] = _clean_cell("\n".join(x for _, x in lines))
    return grid


def read_page(gray: np.ndarray, gid_base: int = 0) -> tuple[str, list[Row]]:
    """OCR one page image (grey, uint8): its text, and its rows in reading order (the rows of
    its k-th table carry grid id gid_base + k; text lines carry none)."""
    gray = _deskew(_rescale(np.ascontiguousarray(gray, dtype=np.uint8)))
    boxes = _detect(gray)
    gray, boxes, _ = _upright(gray, boxes)
    line_h = _line_height(boxes)

    dark = _darkness(gray)
    ink = np.where(dark > 25, 255, 0).astype(np.uint8)
    hor, ver = _line_masks(_without_text(dark, ink, boxes, line_h), ink, boxes)
    tables = _tables(hor, ver)
    rules = cv2.dilate(hor | ver, np.ones((5, 5), np.uint8))
    text_ink = np.where((dark > 45) & (rules == 0), 255, 0).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(text_ink, connectivity=8)
    specks = stats[:, cv2.CC_STAT_AREA] <= 3
    specks[0] = False
    text_ink[specks[lab]] = 0
    char_h = _char_height(text_ink, tables, line_h)

    # Every text line of every cell, and the text lines outside the tables, in one batch.
    crops: list[np.ndarray] = []
    lines: list = []
    owner: list[tuple[int, int]] = []  # (table, cell) of each crop; (-1, -1) outside tables
    dashes: set[tuple[int, int]] = set()
    for ti, t in enumerate(tables):
        for ci, (_, _, _, _, box) in enumerate(t.cells):
            for line in _cell_lines(text_ink, box, char_h):
                if line is _DASH:
                    dashes.add((ti, ci))
                    continue
                crops.append(_crop(gray, line))
                lines.append(line)
                owner.append((ti, ci))
    free_boxes = [b for b in boxes if not _in_table(b, tables)]
    for b in free_boxes:
        crops.append(_crop(gray, b, fraction=0.8))
        lines.append(None)
        owner.append((-1, -1))
    texts = _recognise(crops)
    _reread(gray, lines, texts)
    for i, (txt, score) in enumerate(texts):
        if lines[i] is not None and len(txt) == 1 and txt in _STEMS:
            shape = _stem_glyph(crops[i])
            # The recogniser seldom reads a 7 that is not one; it reads 7 and / as 1.
            if shape and not (txt == "7" and shape == "/"):
                texts[i] = (shape, score)

    cell_text: dict[tuple[int, int], list[tuple[float, str]]] = {}
    free: list[tuple[float, float, float, float, str]] = []
    for key, b, (txt, _score) in zip(owner, lines, texts):
        if txt and key[0] >= 0:
            cell_text.setdefault(key, []).append(((b[1] + b[3]) / 2, txt))
    for b, (txt, _score) in zip(free_boxes, texts[len(texts) - len(free_boxes):]):
        if txt:
            free.append((b[1], b[3], b[0], b[2], txt))

    items: list[tuple[int, int, object]] = []  # (y, order, a text line or a table's rows)
    for ti, t in enumerate(tables):
        grid = _grid(t, {ci: v for (tj, ci), v in cell_text.items() if tj == ti},
                     {ci for tj, ci in dashes if tj == ti}, dark, char_h)
        rows = [Row(r, gid_base + ti) for r in grid if any(c is not None for c in r)]
        items.append((t.box[1], 1, rows))
    for y, line in _group_lines(free):
        items.append((y, 0, line))
    items.sort(key=lambda i: (i[0], i[1]))

    text_lines: list[str] = []
    out_rows: list[Row] = []
    for _, _, item in items:
        if isinstance(item, str):
            text_lines.append(item)
            out_rows.append(Row([item]))
        else:
            for r in item:
                text_lines.append("\t".join(c or "" for c in r.cells))
                out_rows.append(r)
    return "\n".join(text_lines), out_rows


# --- entry points ----------------------------------------------------------------------------

def pdf_page(data: bytes, page_index: int, gid_base: int = 0) -> tuple[str, list[Row]]:
    """Render page page_index of a PDF at about 200 dpi in grey and OCR it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[page_index]
        try:
            w, h = page.get_size()
            scale = DPI / 72
            if w * h * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / (w * h)) ** 0.5
            bitmap = page.render(scale=scale, grayscale=True)
            gray = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
            bitmap.close()
        finally:
            page.close()
    finally:
        pdf.close()
    if gray.ndim == 3:
        gray = gray[:, :, 0]
    return read_page(gray, gid_base)


def _frames(data: bytes) -> list[np.ndarray]:
    from PIL import Image, ImageOps

    try:
        img = Image.open(io.BytesIO(data))  # reads the header only
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise ValueError(f"refused: an image of {w} x {h} pixels, more than {MAX_PIXELS}")
        n = getattr(img, "n_frames", 1)
        if n > MAX_FRAMES:
            raise ValueError(f"refused: {n} pages in one image, more than the limit of {MAX_FRAMES}")
        frames = []
        for k in range(n):
            img.seek(k)
            frame = ImageOps.exif_transpose(img) if k == 0 else img
            if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
                frame = frame.convert("RGBA")
                frame = Image.alpha_composite(Image.new("RGBA", frame.size, "white"), frame)
            frames.append(np.array(frame.convert("L"), dtype=np.uint8))
        return frames
    except Image.DecompressionBombError as exc:
        raise ValueError(f"refused: {exc}") from exc
    except (OSError, SyntaxError, EOFError) as exc:  # PIL's errors for broken files
        raise ValueError(f"not a readable image: {exc}") from exc


def extract_image(data: bytes) -> Extracted:
    """A scanned page (PNG, JPEG, TIFF with one or more pages, ...): its text and table rows."""
    frames = _frames(data)
    texts: list[str] = []
    rows: list[Row] = []
    for k, gray in enumerate(frames):
        text, page_rows = read_page(gray, gid_base=10_000 * (k + 1))
        texts.append(text)
        rows.extend(page_rows)
    text = "\n".join(texts)
    title = next((ln.strip() for ln in text.splitlines() if len(ln.strip()) > 6 and "\t" not in ln),
                 None)
    return Extracted("image", text, rows, title=title, pages=len(frames),
                     ocr_pages=list(range(1, len(frames) + 1)))
