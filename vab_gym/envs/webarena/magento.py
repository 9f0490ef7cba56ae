"""WebArena's shopping site as the evaluators' ``Site``: the back-end lookups VAB makes through
Magento's REST API (``helper_functions_eval.py``: ``shopping_get_auth_token``,
``shopping_get_latest_order_url``, ``shopping_get_sku_latest_review_*``), for backend
``webarena``. Written against Magento 2's documented REST API and tested on a local fake of
it; not run against WebArena's own Magento here (not reachable).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from vab_gym.envs.webarena.judge import Review

# WebArena's env_config.ACCOUNTS["shopping_site_admin"]: the admin whose token VAB asks for.
ADMIN = ("admin", "admin1234")
TIMEOUT = 120.0  # seconds, VAB's page timeout (requests itself has none)


class MagentoRestSite:
    """Lookups on the storefront at ``base_url`` (WebArena's ``SHOPPING``), as VAB makes them:
    an admin token per lookup, the newest order by ``created_at``, a product's last review."""

    def __init__(
        self,
        base_url: str,
        username: str = ADMIN[0],
        password: str = ADMIN[1],
        *,
        timeout: float = TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username, self.password = username, password
        self.timeout = timeout

    @classmethod
    def for_urls(cls, urls: Mapping[str, str]) -> MagentoRestSite | None:
        """The site for an episode's site URLs, or ``None`` if it has no storefront."""
        return cls(urls["shopping"]) if "shopping" in urls else None

    def _request(self, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data, headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            # VAB: assert response.status_code == 200 (urlopen raises on 4xx/5xx)
            if response.status != 200:
                raise AssertionError(f"{path}: HTTP {response.status}")
            return json.load(response)

    def token(self) -> str:
        """shopping_get_auth_token: POST /rest/default/V1/integration/admin/token."""
        token = self._request(
            "/rest/default/V1/integration/admin/token",
            {"username": self.username, "password": self.password},
        )
        if not isinstance(token, str):
            raise ValueError(f"Magento returned no token: {token!r}")
        return token

    def latest_order_url(self) -> str:
        """shopping_get_latest_order_url: the newest order by created_at, its increment id."""
        query = urlencode(
            {
                "searchCriteria[sortOrders][0][field]": "created_at",
                "searchCriteria[sortOrders][0][direction]": "DESC",
                "searchCriteria[pageSize]": "1",
            }
        )
        orders = self._request(f"/rest/V1/orders?{query}", token=self.token())
        order_id = int(orders["items"][0]["increment_id"])
        return f"{self.base_url}/sales/order/view/order_id/{order_id}/"

    def latest_review(self, sku: str) -> Review | None:
        """shopping_get_sku_latest_review_*: the last review the API lists for ``sku``."""
        reviews = self._request(
            f"/rest/V1/products/{quote(sku, safe='')}/reviews", token=self.token()
        )
        if not reviews:
            return None
        last = reviews[-1]
        # VAB's rating lookup asserts that the first review's first rating is "Rating".
        first = reviews[0].get("ratings") or [{}]
        rated = first[0].get("rating_name") == "Rating" and last.get("ratings")
        return Review(
            author=last["nickname"],
            title=last["title"],
            text=last["detail"],
            rating=last["ratings"][0]["percent"] if rated else None,
        )
