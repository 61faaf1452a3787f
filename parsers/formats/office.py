"""DOC and WPS (binary Word, OLE): converted to DOCX by LibreOffice headless, then read as DOCX.

Kingsoft's .wps is the binary Word format with extensions LibreOffice ignores, so one path
serves both. Every conversion runs in a scratch directory of its own, with a LibreOffice profile
of its own (two soffice processes sharing a profile make the second fail silently), under a
hard time limit; the directory and the profile are deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..document import Extracted

TIMEOUT = 120.0  # seconds for one conversion
_NAMES = ("soffice", "libreoffice")


def soffice() -> str | None:
    """The LibreOffice executable, or None if LibreOffice is not installed."""
    env = os.environ.get("XXGK_SOFFICE")
    if env and Path(env).is_file():
        return env
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                 "/opt/libreoffice/program/soffice"):
        if Path(path).is_file():
            return path
    return None


def to_docx(data: bytes, fmt: str = "doc", timeout: float = TIMEOUT) -> bytes:
    """The document converted to DOCX by LibreOffice; ValueError if it cannot be."""
    exe = soffice()
    if exe is None:
        raise ValueError(f"a {fmt.upper()} file needs LibreOffice (soffice), which is not "
                         f"installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as tmp:
        work = Path(tmp)
        src = work / f"in.{fmt}"
        src.write_bytes(data)
        out = work / "out"
        out.mkdir()
        profile = work / "profile"
        cmd = [exe, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)]
        env = dict(os.environ, HOME=str(work), TMPDIR=str(work), SAL_USE_VCLPLUGIN="svp")
        try:
            # A session of its own, so a timeout kills soffice.bin and whatever it started.
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, cwd=work, env=env,
                                    start_new_session=True)
        except OSError as exc:
            raise ValueError(f"LibreOffice could not be started: {exc}") from exc
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ValueError(f"LibreOffice did not convert the {fmt.upper()} file within "
                             f"{timeout:g} s") from None
        except BaseException:
            _kill(proc)
            raise
        result = out / "in.docx"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = _last_line(stderr)
            raise ValueError(f"not a readable {fmt.upper()} file: LibreOffice could not convert "
                             f"it" + (f" ({detail})" if detail else ""))
        return result.read_bytes()


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _last_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines()
             if ln.strip() and "javaldx" not in ln]
    return lines[-1][:200] if lines else ""


def extract(data: bytes, fmt: str = "doc") -> Extracted:
    """A DOC or WPS file's text and table rows (format "doc")."""
    from . import docx

    doc = docx.extract(to_docx(data, fmt))
    doc.format = "doc"
    # The converted file's properties are LibreOffice's, not the DOC's own: none are claimed.
    doc.properties = {}
    return doc
