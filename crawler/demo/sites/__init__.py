"""The demo portal's sites, one module per CMS family."""

from .avalon import Avalon
from .boda import Boda
from .gkmlpt import Gkmlpt
from .hanweb import Hanweb
from .lonsun import Lonsun
from .trs import TRS

PORTALS = [TRS, Hanweb, Lonsun, Gkmlpt, Avalon, Boda]
