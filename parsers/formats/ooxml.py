"""What DOCX and XLSX share: the zip container, guarded against bombs, and the core properties
(docProps/core.xml) that date the file."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_CORE_BYTES = 1024 * 1024
# No entities, no network, no DTD: a document's XML cannot reach outside it.
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False)
DCTERMS = "{http://purl.org/dc/terms/}"


def check_zip(data: bytes, what: str) -> None:
    """Refuse zip bombs before any XML is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as exc:
        raise ValueError(f"not a readable {what} file: {exc}") from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ValueError(f"refused: {what} inflates to {total // (1024 * 1024)} MiB "
                         f"({total / packed:.0f}x its size), a zip bomb")


def core_dates(z: zipfile.ZipFile, prefix: str) -> dict[str, str]:
    """``{prefix_created, prefix_modified}`` as docProps/core.xml writes them (dcterms:created,
    dcterms:modified); a property that is absent (or a core part that cannot be read) is left
    out."""
    try:
        info = z.getinfo("docProps/core.xml")
    except KeyError:
        return {}
    if info.file_size > MAX_CORE_BYTES:
        return {}
    try:
        root = etree.fromstring(z.read(info), XML_PARSER)
    except etree.XMLSyntaxError:
        return {}
    out = {}
    for name, key in (("created", "created"), ("modified", "modified")):
        el = root.find(DCTERMS + name)
        if el is not None and el.text and el.text.strip():
            out[f"{prefix}_{key}"] = el.text.strip()
    return out
