"""The demo portal's sites, one module per CMS family."""

from .avalon import Avalon
from .boda import Boda
from .gkmlpt import Gkmlpt
from .hanweb import Hanweb
from .hebei import Hebei
from .lonsun import Lonsun
from .nmg import Nmg
from .public import Public
from .trs import TRS
from .ucap import Ucap

PORTALS = [TRS, Hanweb, Lonsun, Gkmlpt, Avalon, Boda, Ucap, Public, Hebei, Nmg]
