"""A list of Diffs for people: readable text, Markdown (the change report), JSON.

A cell is named as the template names it (行政强制 · 本年处理决定数量), never by its keys; a removed
report points at its copy in the archive, served by ``xxgk serve`` at ``/-/raw/<sha256>``
(``site``: where it is served, else the path alone).
"""

from __future__ import annotations

from parsers import schema

from .model import KIND_NAMES, KINDS, Diff

# The order a reader meets the kinds in: a move explains a removal, so it follows the removals.
ORDER = ("added", "removed", "moved", "revised", "chrome_only", "errors")
_HEADINGS = {k.name: k.heading for k in KINDS}


def _num(v) -> str:
    if v is None:
        return "—"
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def cell_name(c: dict) -> str:
    """The cell as its template names it: 行政强制 · 本年处理决定数量."""
    row, col = schema.label_of(c["table"], c["row"], c["col"])
    return f"{row} · {col}"


def cell_line(c: dict) -> str:
    return f"{cell_name(c)}: {_num(c['old'])} → {_num(c['new'])}"


def archived_copy(sha256: str, site: str = "") -> str:
    """Where the archive serves its copy of a file."""
    return f"{site.rstrip('/')}/-/raw/{sha256}"


def _who(e: dict) -> str:
    bits = [b for b in (e.get("organ"), f"{e['year']}年度" if e.get("year") else None) if b]
    return " ".join(bits) or (e.get("title") or "")


def _since(e: dict) -> str:
    return f"; gone by the crawl of {e['since'][:10]}" if e.get("since") else ""


def _unconfirmed(e: dict) -> str:
    return f"not claimed {e['not_claimed']}: {e['why']}"


def _heading(d: Diff) -> str:
    """Which crawls a diff compares: a portal with no complete crawl before is new to us."""
    if d.old_crawl:
        return d.old_crawl
    return "(no complete crawl before)" if d.also_compared else "(first crawl)"


def _text_revised(e: dict) -> list[str]:
    return ([f"revised   {e['url']}  {_who(e)}  file {e['document_url']}"
             + (f"  ({e['note']})" if e.get("note") else "")]
            + [f"    {cell_line(c)}" for c in e["cells"]]
            + [f"    {line}" for line in (e.get("text_diff") or "").splitlines()])


def _markdown_revised(e: dict) -> list[str]:
    out = [f"- [{_who(e) or e['url']}]({e['url']}), file <{e['document_url']}>"
           + (f" ({e['note']})" if e.get("note") else "")]
    if e["cells"]:
        out.append("\n  | 表格 table | 项目 item | 列 column | 旧 old | 新 new |"
                   "\n  |---|---|---|---|---|")
        for c in e["cells"]:
            row, col = schema.label_of(c["table"], c["row"], c["col"])
            out.append(f"  | {schema.TABLE_LABELS.get(c['table'], c['table'])} | {row} | {col} "
                       f"| {_num(c['old'])} | {_num(c['new'])} |")
    if e.get("text_diff"):
        out.append("\n  ```diff")
        out += [f"  {line}" for line in e["text_diff"].splitlines()]
        out.append("  ```")
    return out


def _text_removed(e: dict, site: str) -> list[str]:
    return [f"removed   {e['url']}  {_who(e)}  ({e['reason']}; archived copy "
            f"{archived_copy(e['old_sha256'], site)}{_since(e)})"]


def _markdown_removed(e: dict, site: str) -> list[str]:
    return [f"- [{_who(e) or e['url']}]({e['url']}) — {e['reason']}; "
            f"[存档副本 / archived copy]({archived_copy(e['old_sha256'], site)}){_since(e)}"]


# Each kind's lines: in the readable text, and in Markdown (the removals' also take the site).
_LINES = {
    "added": (lambda e: [f"added     {e['url']}  {_who(e)}"],
              lambda e: [f"- [{_who(e) or e['url']}]({e['url']})"]),
    "removed": (_text_removed, _markdown_removed),
    "moved": (lambda e: [f"moved     {e['old_url']} -> {e['url']}  {_who(e)}"],
              lambda e: [f"- {_who(e)}: <{e['old_url']}> → <{e['url']}>"]),
    "revised": (_text_revised, _markdown_revised),
    "chrome_only": (lambda e: [f"chrome    {e['document_url']}  (page frame only: dates, "
                               "counters)"],
                    lambda e: [f"- <{e['document_url']}>"]),
    "errors": (lambda e: [f"error     {e['url']}  {e['reason']}"],
               lambda e: [f"- <{e['url']}>: {e['reason']}"]),
}


INCOMPLETE = "nothing it did not see is claimed removed or revised"


def _lines(kind: str, markdown: bool, e: dict, site: str) -> list[str]:
    fn = _LINES[kind][markdown]
    return fn(e, site) if kind == "removed" else fn(e)


def render_text(diffs: list[Diff], site: str = "") -> str:
    out = []
    for d in diffs:
        out.append(f"# {d.portal}: {_heading(d)} -> {d.new_crawl}")
        if d.incomplete:
            out.append(f"incomplete  {d.incomplete}: {INCOMPLETE}")
        for kind in ORDER:
            for e in getattr(d, kind):
                out += _lines(kind, False, e, site)
        for e in d.unconfirmed:
            out.append(f"unconfirmed  {e['url']}  {_who(e)}  ({_unconfirmed(e)})")
        if not any(d.counts().values()) and not d.unconfirmed:
            out.append("no changes")
    return "\n".join(out) + "\n"


def render_markdown(diffs: list[Diff], site: str = "") -> str:
    out = []
    for d in diffs:
        out.append(f"## {d.portal}\n\n`{_heading(d)}` → `{d.new_crawl}`\n")
        if d.incomplete:
            out.append(f"> **Incomplete crawl / 抓取未完成**: {d.incomplete} — {INCOMPLETE}.\n")
        if not any(d.counts().values()) and not d.unconfirmed:
            out.append("No changes.\n")
        for kind in ORDER:
            entries = getattr(d, kind)
            if not entries:
                continue
            out.append(f"### {_HEADINGS[kind]} ({len(entries)})\n")
            for e in entries:
                out += _lines(kind, True, e, site)
            out.append("")
        if d.unconfirmed:
            out.append(f"### 未经证实，不作结论 / Not claimed ({len(d.unconfirmed)})\n")
            out += [f"- [{_who(e) or e['url']}]({e['url']}) — {_unconfirmed(e)}"
                    for e in d.unconfirmed]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def as_json(diffs: list[Diff]) -> dict:
    """One portal: its object; several: the same lists over all of them, plus ``portals``
    (each with whether its crawl completed)."""
    if len(diffs) == 1:
        return diffs[0].to_dict()
    lists = [*KIND_NAMES, "unconfirmed"]
    merged = {k: [] for k in lists}
    for d in diffs:
        for k in lists:
            merged[k] += [{**e, "portal": d.portal} for e in getattr(d, k)]
    return {"portals": [{"portal": d.portal, "old_crawl": d.old_crawl, "new_crawl": d.new_crawl,
                         "complete": d.incomplete is None, "incomplete": d.incomplete,
                         "also_compared": d.also_compared} for d in diffs], **merged}
