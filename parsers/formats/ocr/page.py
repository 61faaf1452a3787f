"""The page image: decoded from an image file or rendered from a PDF, brought to about 200 dpi
in grey, deskewed and turned upright."""

from __future__ import annotations

import io
from typing import NamedTuple

import cv2
import numpy as np

from ...limits import MAX_IMAGE_FRAMES, MAX_PIXELS, breach
from .engine import detect, upside_down
from .geometry import Box

DPI = 200


class PageImage(NamedTuple):
    """A page ready to read: grey, upright, about 200 dpi; and its text lines' boxes."""

    gray: np.ndarray
    boxes: list[Box]


# --- decoding --------------------------------------------------------------------------------

def render_pdf_page(data: bytes, page_index: int) -> np.ndarray:
    """Page page_index of a PDF rendered in grey at about 200 dpi."""
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
    return gray


def frames(data: bytes) -> list[np.ndarray]:
    """The pages of an image file (one, or several in a TIFF), each in grey."""
    from PIL import Image, ImageOps

    try:
        img = Image.open(io.BytesIO(data))  # reads the header only
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise ValueError(breach("MAX_PIXELS", MAX_PIXELS, f"an image of {w} x {h} pixels"))
        n = getattr(img, "n_frames", 1)
        if n > MAX_IMAGE_FRAMES:
            raise ValueError(breach("MAX_IMAGE_FRAMES", MAX_IMAGE_FRAMES, f"{n} pages in one image"))
        out = []
        for k in range(n):
            img.seek(k)
            frame = ImageOps.exif_transpose(img) if k == 0 else img
            if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
                frame = frame.convert("RGBA")
                frame = Image.alpha_composite(Image.new("RGBA", frame.size, "white"), frame)
            out.append(np.array(frame.convert("L"), dtype=np.uint8))
        return out
    except Image.DecompressionBombError as exc:
        raise ValueError(f"refused: {exc}") from exc
    except (OSError, SyntaxError, EOFError) as exc:  # PIL's errors for broken files
        raise ValueError(f"not a readable image: {exc}") from exc


# --- preparing -------------------------------------------------------------------------------

def prepare(gray: np.ndarray) -> PageImage:
    """The page at about 200 dpi, deskewed and upright, with its text lines found."""
    gray = _deskew(_rescale(np.ascontiguousarray(gray, dtype=np.uint8)))
    return _upright(gray, detect(gray))


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


def _upright(gray: np.ndarray, boxes: list[Box]) -> PageImage:
    """Turn a page scanned sideways or upside down (and find its text lines again)."""
    tall = [b for b in boxes if b.height >= 3 * b.width]
    wide = [b for b in boxes if b.width >= 3 * b.height]
    turned = False
    if len(tall) >= 5 and len(tall) > 2 * len(wide):
        gray = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
        turned = True
        wide = [b for b in detect(gray) if b.width >= 3 * b.height]
    sample = sorted(wide, key=lambda b: b.width, reverse=True)[:12]
    if len(sample) >= 3:
        flipped = upside_down([gray[b.y0:b.y1, b.x0:b.x1] for b in sample])
        if flipped * 3 >= 2 * len(sample):
            gray = cv2.rotate(gray, cv2.ROTATE_180)
            turned = True
    if turned:
        gray = _deskew(gray)
        boxes = detect(gray)
    return PageImage(gray, boxes)
