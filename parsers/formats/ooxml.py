"""What DOCX and XLSX share: the zip container, guarded against bombs, and the core properties
(docProps/core.xml) that date the file."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ..limits import (MAX_PACK_RATIO, MAX_PROPERTIES_BYTES, MAX_UNPACKED_BYTES, READ_CHUNK, MiB,
                      breach)

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
    if total > MAX_UNPACKED_BYTES:
        raise ValueError(breach("MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES,
                                f"{what} inflates to {total // MiB} MiB, a zip bomb"))
    if total > 10 * MiB and total / packed > MAX_PACK_RATIO:
        raise ValueError(breach("MAX_PACK_RATIO", MAX_PACK_RATIO,
                                f"{what} inflates {total / packed:.0f}x its size, a zip bomb"))


def read_part(z: zipfile.ZipFile, info: zipfile.ZipInfo | str, what: str) -> bytes:
    """A part of the package, inflated a chunk at a time and never past the size the zip
    declares for it: a package that lies about its sizes is refused in bounded memory."""
    info = info if isinstance(info, zipfile.ZipInfo) else z.getinfo(info)
    out = bytearray()
    with z.open(info) as fh:
        while chunk := fh.read(READ_CHUNK):
            out += chunk
            if len(out) > info.file_size:
                break
        # zipfile stops at the declared size; more data behind it fails the CRC check.
    if len(out) != info.file_size:
        raise ValueError(f"not a readable {what}: {info.filename} does not hold the "
                         f"{info.file_size} bytes its zip entry declares (faked sizes)")
    return bytes(out)


def core_dates(z: zipfile.ZipFile, prefix: str) -> dict[str, str]:
    """``{prefix_created, prefix_modified}`` as docProps/core.xml writes them (dcterms:created,
    dcterms:modified); a property that is absent (or a core part that cannot be read) is left
    out."""
    try:
        info = z.getinfo("docProps/core.xml")
    except KeyError:
        return {}
    if info.file_size > MAX_PROPERTIES_BYTES:
        return {}
    try:
        root = etree.fromstring(read_part(z, info, prefix.upper()), XML_PARSER)
    except (etree.XMLSyntaxError, ValueError, zipfile.BadZipFile):
        return {}
    out = {}
    for name, key in (("created", "created"), ("modified", "modified")):
        el = root.find(DCTERMS + name)
        if el is not None and el.text and el.text.strip():
            out[f"{prefix}_{key}"] = el.text.strip()
    return out
