"""A slice of the registry by area: ``河南`` (a province's or prefecture's name, full or short, or
a county's full name) or a division-code prefix (``41``, ``4101``, ``410102``). What
``xxgk nightly --province`` and ``xxgk registry list --province`` take.

    s = parse("河南")          # Slice(prefix='41', label='河南省 (41)')
    [p for p in registry.load() if s.holds(p)]
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers import divisions

# Digits of a division code that name each level: province 2, prefecture 4, county 6.
PREFIX_DIGITS = {1: 2, 2: 4, 3: 6}


@dataclass(frozen=True)
class Slice:
    prefix: str      # a division-code prefix
    label: str

    def holds(self, portal: dict) -> bool:
        return (portal.get("region_code") or "").startswith(self.prefix)


def prefix_of(div: divisions.Division) -> str:
    return div.code[:PREFIX_DIGITS.get(div.level, 6)]


def parse(value: str) -> Slice:
    """The slice a user means; ValueError saying why when the value names none, or several."""
    v = value.strip()
    if v.isdigit():
        if len(v) not in (2, 4, 6):
            raise ValueError(f"{value!r}: a division-code prefix has 2, 4 or 6 digits "
                             "(41 河南省, 4101 郑州市, 410102 中原区)")
        div = divisions.get(v.ljust(6, "0"))
        return Slice(v, f"{div.name} ({v})" if div and prefix_of(div) == v else v)
    found = [d for d in divisions.named(v) if d.level <= 3]
    if not found:
        raise ValueError(f"{value!r} names no province, prefecture or county on the division "
                         f"list ({divisions.SOURCE}); a county's name must be whole, or give a "
                         "division code")
    if len(found) > 1:
        listed = ", ".join(f"{prefix_of(d)} {''.join(x.name for x in divisions.path(d.code))}"
                           for d in found)
        raise ValueError(f"{value!r} names {len(found)} divisions: {listed}; give its code")
    div = found[0]
    return Slice(prefix_of(div), f"{div.name} ({prefix_of(div)})")
