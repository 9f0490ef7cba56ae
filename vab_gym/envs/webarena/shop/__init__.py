"""The local shop: a Magento-like store and admin panel that VAB-WebArena-Lite serves itself.

``ShopServer.shared(seed).acquire()`` starts it on 127.0.0.1 and returns its base URL; the
storefront is at ``/`` and the admin panel at ``/admin`` (WebArena's ``__SHOPPING__`` and
``__SHOPPING_ADMIN__``). ``catalog.build`` makes the seeded database, ``app.create_app``
serves one.
"""

from .app import create_app
from .catalog import ADMIN_LOGIN, CUSTOMER_LOGIN, TODAY, build
from .server import ShopServer

__all__ = ["ADMIN_LOGIN", "CUSTOMER_LOGIN", "TODAY", "ShopServer", "build", "create_app"]
