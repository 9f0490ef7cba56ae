"""The local shop as the evaluators' ``Site``: the back-end lookups WebArena makes through
Magento's REST API, answered from the shop's database."""

from __future__ import annotations

from vab_gym.envs.webarena.judge import Review
from vab_gym.envs.webarena.shop.server import ShopServer


class LocalShopSite:
    def __init__(self, server: ShopServer) -> None:
        self.server = server

    def latest_order_url(self) -> str:
        rows = self.server.sql(
            "SELECT id FROM orders WHERE customer_id = 1 ORDER BY created_at DESC, id DESC LIMIT 1"
        )
        if not rows:
            raise LookupError("the customer has no orders")
        return f"{self.server.base_url}/sales/order/view/order_id/{rows[0]['id']}/"

    def latest_review(self, sku: str) -> Review | None:
        rows = self.server.sql(
            "SELECT r.nickname, r.rating, r.title, r.detail FROM reviews r "
            "JOIN products p ON p.id = r.product_id WHERE p.sku = ? "
            "ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
            (sku,),
        )
        if not rows:
            return None
        row = rows[0]
        return Review(
            author=row["nickname"],
            rating=int(row["rating"]) * 20,
            title=row["title"],
            text=row["detail"],
        )
