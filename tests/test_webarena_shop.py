"""The local shop of VAB-WebArena-Lite: seeded data, every page, the flows tasks rely on,
the admin panel, reset and the server's lifecycle."""

import re
import shutil
import socket
import sqlite3
import warnings
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from bs4 import BeautifulSoup

from vab_gym.envs.webarena.shop import ADMIN_LOGIN, CUSTOMER_LOGIN, ShopServer, build, create_app
from vab_gym.envs.webarena.shop.app import US_STATES
from vab_gym.envs.webarena.shop.catalog import TODAY

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 but works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


# ------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    path = tmp_path_factory.mktemp("shop") / "pristine.sqlite3"
    build(path, seed=0)
    return path


@pytest.fixture
def db(pristine, tmp_path):
    """A private copy of the seeded database, so each test may change it."""
    path = tmp_path / "shop.sqlite3"
    shutil.copy(pristine, path)
    return path


@pytest.fixture
def client(db):
    return TestClient(create_app(db, secret_key="test"))


def query(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def page(response):
    assert response.status_code == 200, (response.status_code, str(response.url))
    return BeautifulSoup(response.text, "lxml")


def sign_in(client, login=CUSTOMER_LOGIN):
    r = client.post(
        "/customer/account/loginPost/",
        data={"login[username]": login["username"], "login[password]": login["password"]},
    )
    assert r.url.path == "/customer/account/"


def admin_sign_in(client):
    r = client.post(
        "/admin/auth/login/",
        data={
            "login[username]": ADMIN_LOGIN["username"],
            "login[password]": ADMIN_LOGIN["password"],
        },
    )
    assert r.url.path == "/admin/dashboard/"


def text_of(soup, selector):
    node = soup.select_one(selector)
    assert node is not None, selector
    return " ".join(node.get_text(" ").split())


def price_of(text):
    return float(text.replace("$", "").replace(",", ""))


def simple_product(db):
    """An enabled, in-stock product without options."""
    return query(
        db,
        "SELECT * FROM products p WHERE status = 1 AND qty > 5 AND NOT EXISTS "
        "(SELECT 1 FROM product_options o WHERE o.product_id = p.id) "
        "ORDER BY id LIMIT 1",
    )[0]


# ---------------------------------------------------------------------------- data


def dump(path):
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_same_seed_same_database_other_seed_other_data(tmp_path, pristine):
    again, other = tmp_path / "again.sqlite3", tmp_path / "other.sqlite3"
    build(again, seed=0)
    build(other, seed=1)
    assert dump(again) == dump(pristine)
    names = [r["name"] for r in query(pristine, "SELECT name FROM products ORDER BY id")]
    assert names != [r["name"] for r in query(other, "SELECT name FROM products ORDER BY id")]


def test_counts_and_shape(pristine):
    one = lambda sql: query(pristine, sql)[0]["n"]  # noqa: E731
    assert one("SELECT COUNT(*) AS n FROM products") >= 500
    assert one("SELECT COUNT(*) AS n FROM customers") >= 60
    assert one("SELECT COUNT(DISTINCT level) AS n FROM categories") == 3
    # Products hang off leaves only, and every leaf has products.
    assert (
        one(
            "SELECT COUNT(*) AS n FROM products p JOIN categories c ON c.id = p.category_id "
            "WHERE c.level != 3"
        )
        == 0
    )
    assert (
        one(
            "SELECT COUNT(*) AS n FROM categories c WHERE level = 3 AND NOT EXISTS "
            "(SELECT 1 FROM products p WHERE p.category_id = c.id)"
        )
        == 0
    )
    assert (
        one(
            "SELECT COUNT(*) AS n FROM customers WHERE default_billing IS NULL "
            "OR default_shipping IS NULL"
        )
        == 0
    )
    statuses = {r["status"] for r in query(pristine, "SELECT DISTINCT status FROM orders")}
    assert {"pending", "processing", "complete", "canceled"} <= statuses
    years = {
        r["y"] for r in query(pristine, "SELECT DISTINCT substr(created_at, 1, 4) AS y FROM orders")
    }
    assert years == {"2022", "2023"}
    review_statuses = {r["status"] for r in query(pristine, "SELECT DISTINCT status FROM reviews")}
    assert review_statuses == {"Approved", "Pending", "Not Approved"}
    assert one("SELECT COUNT(*) AS n FROM reviews") > 1000
    assert one("SELECT COUNT(*) AS n FROM wishlist_items WHERE customer_id = 1") > 0
    assert one("SELECT COUNT(*) AS n FROM orders WHERE customer_id = 1") >= 20
    assert one("SELECT COUNT(*) AS n FROM admin_users") == 1
    assert one("SELECT COUNT(*) AS n FROM search_terms") >= 50
    regions = {r["region"] for r in query(pristine, "SELECT region FROM addresses")}
    assert regions <= set(US_STATES)  # every seeded address can be edited as it is
    # Clothing has sizes and colours; groceries have no options.
    options = {
        r["attribute"]
        for r in query(
            pristine,
            "SELECT DISTINCT o.attribute FROM product_options o JOIN products p ON "
            "p.id = o.product_id JOIN categories c ON c.id = p.category_id WHERE c.url_path LIKE "
            "'clothing-shoes-jewelry/%'",
        )
    }
    assert options == {"Size", "Color"}
    assert (
        one(
            "SELECT COUNT(*) AS n FROM product_options o JOIN products p ON p.id = "
            "o.product_id JOIN categories c ON c.id = p.category_id WHERE c.url_path LIKE "
            "'grocery-gourmet-food/%'"
        )
        == 0
    )
    # Nothing is dated on or after the store's "today".
    for table in ("orders", "reviews", "order_history", "wishlist_items", "search_terms"):
        column = (
            "updated_at"
            if table == "search_terms"
            else "added_at"
            if table == "wishlist_items"
            else "created_at"
        )
        latest = query(pristine, f"SELECT MAX({column}) AS m FROM {table}")[0]["m"]
        assert latest < TODAY.isoformat(), table


def test_prices_differ_by_category(pristine):
    median = {
        r["name"]: r["avg"]
        for r in query(
            pristine,
            "SELECT c.name, AVG(p.price) AS avg FROM products p JOIN categories c ON "
            "c.id = p.category_id GROUP BY c.id",
        )
    }
    assert median["Laptops"] > 5 * median["Screen Protectors"]
    assert median["Living Room Furniture"] > 3 * median["Tea"]


def test_order_totals_add_up(pristine):
    bad = query(
        pristine,
        """
        SELECT o.id FROM orders o JOIN (SELECT order_id, ROUND(SUM(row_total), 2) AS s,
        SUM(qty) AS q FROM order_items GROUP BY order_id) i ON i.order_id = o.id
        WHERE ABS(o.subtotal - i.s) > 0.005 OR o.total_qty != i.q
           OR ABS(o.grand_total - o.subtotal - o.shipping_amount) > 0.005
           OR o.increment_id != printf('%09d', o.id)""",
    )
    assert bad == []


# --------------------------------------------------------------------------- pages

STOREFRONT = [
    ("/", "Hot Sellers"),
    ("/electronics.html", "Computers & Accessories"),
    ("/electronics/computers-accessories.html", "Laptops"),
    ("/electronics/computers-accessories/laptops.html", "Items 1-12 of"),
    ("/catalogsearch/result/?q=laptop", "Search results for: 'laptop'"),
    ("/catalogsearch/result/index/?q=laptop&product_list_order=price", "Items 1-12 of"),
    ("/checkout/cart/", "You have no items in your shopping cart."),
    ("/customer/account/login/", "Registered Customers"),
    ("/customer/account/create/", "Create New Customer Account"),
    ("/contact/", "What’s on your mind?"),
    ("/review/product/list/id/1/", "Write Your Own Review"),
]
ACCOUNT = [
    ("/customer/account/", "Recent Orders"),
    ("/sales/order/history/", "My Orders"),
    ("/wishlist/", "My Wish List"),
    ("/customer/address/", "Default Shipping Address"),
    ("/customer/address/new/", "Add New Address"),
    ("/customer/account/edit/", "Edit Account Information"),
    ("/review/customer/", "My Product Reviews"),
    ("/newsletter/manage/", "General Subscription"),
]
ADMIN = [
    ("/admin/dashboard/", "Lifetime Sales"),
    ("/admin/sales/order/", "records found"),
    ("/admin/sales/order/view/order_id/1/", "Order & Account Information"),
    ("/admin/sales/order/commentsHistory/order_id/1/active_tab/order_history/", "Order placed."),
    ("/admin/catalog/product/", "records found"),
    ("/admin/catalog/product/edit/id/1/", "Stock Status"),
    ("/admin/customer/index/", "records found"),
    ("/admin/customer/index/edit/id/1/", "Emma"),
    ("/admin/review/product/", "records found"),
    ("/admin/review/product/pending/", "Pending Reviews"),
    ("/admin/review/product/edit/id/1/", "Edit Review"),
    ("/admin/reports/", "Bestsellers"),
    ("/admin/reports/report_sales/sales/?from=1/1/23&to=12/31/23&period_type=month", "2023-12"),
    (
        "/admin/reports/report_sales/bestsellers/?from=1/1/23&to=12/31/23&period_type=year",
        "Order Quantity",
    ),
    ("/admin/reports/report_sales/shipping/?from=1/1/22&to=12/31/23", "Flat Rate - Fixed"),
    ("/admin/search/term/report/", "Search Terms Report"),
]


def test_every_page_renders(client, db):
    product = query(db, "SELECT * FROM products WHERE status = 1 ORDER BY id LIMIT 1")[0]
    for url, expected in [*STOREFRONT, (f"/{product['url_key']}.html", product["name"])]:
        assert expected in page(client.get(url)).get_text(), url
    sign_in(client)
    for url, expected in [*ACCOUNT, ("/sales/order/view/order_id/1/", "Items Ordered")]:
        if url.startswith("/sales/order/view/"):
            order = query(db, "SELECT id FROM orders WHERE customer_id = 1 LIMIT 1")[0]["id"]
            url = f"/sales/order/view/order_id/{order}/"
        assert expected in page(client.get(url)).get_text(), url
    admin_sign_in(client)
    for url, expected in ADMIN:
        assert expected in page(client.get(url)).get_text(), url


def test_unknown_pages_and_slashes(client):
    r = client.get("/no-such-product.html")
    assert r.status_code == 404 and "Whoops, our bad..." in r.text
    assert client.get("/admin/nothing/here/").status_code == 404
    r = client.get("/checkout/cart", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/checkout/cart/"
    r = client.get("/catalog/product/view/id/3", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"].endswith(".html")


def test_guests_are_sent_to_sign_in(client):
    r = client.get("/wishlist/")
    assert r.url.path == "/customer/account/login/" and r.url.params["referer"] == "/wishlist/"
    soup = page(client.get("/admin/sales/order/"))
    assert soup.select_one('input[placeholder="user name"]') is not None
    bad = client.post(
        "/customer/account/loginPost/",
        data={"login[username]": CUSTOMER_LOGIN["username"], "login[password]": "wrong"},
    )
    assert "sign-in was incorrect" in bad.text
    # Signing in from the redirect comes back to the page asked for.
    r = client.post(
        "/customer/account/loginPost/",
        data={
            "login[username]": CUSTOMER_LOGIN["username"],
            "login[password]": CUSTOMER_LOGIN["password"],
            "referer": "/wishlist/",
        },
    )
    assert r.url.path == "/wishlist/"


# ------------------------------------------------------------------- catalogue views


def product_rows(soup):
    return [
        (a.get_text(strip=True), price_of(item.select_one(".price-box .price").get_text()))
        for item in soup.select(".product-items .product-item")
        for a in item.select("a.product-item-link")
    ]


def test_category_sort_filter_and_pages(client, db):
    url = "/electronics/computers-accessories/laptops.html"
    total = query(
        db,
        "SELECT COUNT(*) AS n FROM products p JOIN categories c ON c.id = "
        "p.category_id WHERE c.name = 'Laptops' AND p.status = 1",
    )[0]["n"]
    soup = page(
        client.get(
            url,
            params={
                "product_list_order": "price",
                "product_list_dir": "desc",
                "product_list_limit": 36,
            },
        )
    )
    rows = product_rows(soup)
    assert len(rows) == total
    assert [p for _, p in rows] == sorted((p for _, p in rows), reverse=True)
    assert f"of {total}" in text_of(soup, "#toolbar-amount")
    # Names sort alphabetically; the pager splits 12 per page.
    names = [
        n
        for n, _ in product_rows(
            page(client.get(url, params={"product_list_order": "name", "product_list_limit": 36}))
        )
    ]
    assert names == sorted(names, key=str.casefold)
    second = page(client.get(url, params={"p": 2}))
    assert len(product_rows(second)) == total - 12
    # Price range filter (Magento's upper bound is exclusive).
    cheap = product_rows(
        page(client.get("/clothing-shoes-jewelry/men/shoes.html", params={"price": "0-60"}))
    )
    assert cheap and all(p < 60 for _, p in cheap)
    # A top category links its sub-categories with counts.
    top = page(client.get("/electronics.html"))
    links = [a["href"] for a in top.select(".filter-options-item a")]
    assert "/electronics/computers-accessories.html" in links


def test_rating_filter_and_sort(client, db):
    soup = page(
        client.get(
            "/home-kitchen.html",
            params={
                "rating": 4,
                "product_list_order": "rating",
                "product_list_dir": "desc",
                "product_list_limit": 36,
            },
        )
    )
    titles = [float(r["title"].rstrip("%")) for r in soup.select(".product-items .rating-result")]
    assert titles and all(t >= 80 for t in titles)
    assert titles == sorted(titles, reverse=True)
    assert "Rating" in text_of(soup, ".filter-current")


def test_search_finds_stems_and_is_recorded(client, db):
    before = query(db, "SELECT popularity FROM search_terms WHERE query_text = 'chairs'")
    soup = page(
        client.get("/catalogsearch/result/", params={"q": "chairs", "product_list_limit": 36})
    )
    rows = product_rows(soup)
    assert rows and all("chair" in name.lower() for name, _ in rows)
    after = query(
        db, "SELECT popularity, num_results FROM search_terms WHERE query_text = 'chairs'"
    )[0]
    assert after["popularity"] == (before[0]["popularity"] if before else 0) + 1
    assert after["num_results"] == len(rows)
    none = page(client.get("/catalogsearch/result/", params={"q": "zzzqqq"}))
    assert "Your search returned no results." in none.get_text()
    # Quotes and operators are words to the search, never query syntax.
    assert client.get("/catalogsearch/result/", params={"q": '"NEAR( OR *'}).status_code == 200


def test_product_page_shows_price_rating_reviews_options(client, db):
    product = query(
        db,
        "SELECT p.*, r.avg_rating, r.review_count FROM products p JOIN "
        "product_ratings r ON r.product_id = p.id JOIN product_options o ON "
        "o.product_id = p.id WHERE p.status = 1 AND p.special_price IS NULL "
        "ORDER BY p.id LIMIT 1",
    )[0]
    soup = page(client.get(f"/{product['url_key']}.html"))
    assert (
        text_of(soup, ".product-info-price .price-box.price-final_price > span > span")
        == f"${product['price']:,.2f}"
    )
    assert (
        soup.select_one(".product-info-main .rating-result")["title"]
        == f"{round(product['avg_rating'] * 20)}%"
    )
    assert text_of(soup, "#tab-label-reviews-title") == f"Reviews {product['review_count']}"
    assert len(soup.select("#reviews .review-item")) == product["review_count"]
    values = query(db, "SELECT value FROM product_options WHERE product_id = ?", (product["id"],))
    offered = {o["value"] for o in soup.select("#product_addtocart_form select option")}
    assert {v["value"] for v in values} <= offered
    assert soup.select_one("#productDetails_detailBullets_sections1") is not None


# ------------------------------------------------------------------------ flows


def test_search_to_checkout_to_history_and_admin(client, db):
    product = simple_product(db)
    sign_in(client)
    results = page(
        client.get(
            "/catalogsearch/result/", params={"q": product["name"], "product_list_limit": 36}
        )
    )
    assert product_rows(results)[0][0] == product["name"]  # best match first
    link = next(
        a["href"]
        for a in results.select("a.product-item-link")
        if a.get_text(strip=True) == product["name"]
    )
    form = page(client.get(link)).select_one("#product_addtocart_form")
    r = client.post(form["action"], data={"product": product["id"], "qty": 2})
    assert f"You added {product['name']} to your shopping cart." in page(r).get_text()
    cart = page(client.get("/checkout/cart/"))
    assert text_of(cart, ".minicart .counter-number") == "2"
    checkout = page(client.get("/checkout/"))
    address_id = checkout.select_one('input[name="address_id"][checked]')["value"]
    r = client.post(
        "/checkout/placeOrder/",
        data={"address_id": address_id, "shipping_method": "flatrate", "payment_method": "checkmo"},
    )
    number = text_of(page(r), ".checkout-success .order-number")
    order = query(db, "SELECT * FROM orders WHERE increment_id = ?", (number,))[0]
    assert order["status"] == "pending" and order["customer_id"] == 1
    assert order["grand_total"] == round(2 * product["price"] + 2 * 5.0, 2)
    assert (
        query(db, "SELECT qty FROM products WHERE id = ?", (product["id"],))[0]["qty"]
        == product["qty"] - 2
    )
    assert text_of(page(client.get("/checkout/cart/")), ".minicart .counter-number") == "0"
    # The newest order heads My Orders and its page lists the item.
    history = page(client.get("/sales/order/history/"))
    assert text_of(history, "#my-orders-table tbody tr td.col.id") == number
    view = page(client.get(f"/sales/order/view/order_id/{order['id']}/"))
    assert product["sku"] in text_of(view, ".order-details-items.ordered")
    assert text_of(view, ".order-status") == "Pending"
    admin_sign_in(client)
    grid = page(client.get("/admin/sales/order/", params={"search": number}))
    assert number in text_of(grid, "#sales_order_grid tbody")
    admin_view = page(client.get(f"/admin/sales/order/view/order_id/{order['id']}/"))
    assert text_of(admin_view, "#order_status") == "Pending"


def test_checkout_to_a_new_address_saves_it(client, db):
    sign_in(client)
    product = simple_product(db)
    client.post("/checkout/cart/add/", data={"product": product["id"], "qty": 1})
    r = client.post(
        "/checkout/placeOrder/",
        data={
            "address_id": "new",
            "shipping_firstname": "Emma",
            "shipping_lastname": "Lopez",
            "shipping_street": "77 Massachusetts Ave",
            "shipping_city": "Cambridge",
            "shipping_region": "Massachusetts",
            "shipping_postcode": "02139",
            "shipping_telephone": "6175550100",
            "save_in_address_book": "1",
            "shipping_method": "flatrate",
            "payment_method": "checkmo",
        },
    )
    assert r.url.path == "/checkout/onepage/success/"
    shipped = query(
        db,
        "SELECT a.* FROM order_addresses a JOIN orders o ON o.id = a.order_id "
        "WHERE a.type = 'shipping' ORDER BY o.id DESC LIMIT 1",
    )[0]
    assert shipped["street"] == "77 Massachusetts Ave"
    assert (
        query(
            db,
            "SELECT COUNT(*) AS n FROM addresses WHERE customer_id = 1 AND street = "
            "'77 Massachusetts Ave'",
        )[0]["n"]
        == 1
    )
    # An incomplete address or no payment method is refused.
    client.post("/checkout/cart/add/", data={"product": product["id"], "qty": 1})
    r = client.post(
        "/checkout/placeOrder/",
        data={"address_id": "new", "shipping_method": "flatrate", "payment_method": "checkmo"},
    )
    assert r.url.path == "/checkout/" and "shipping address" in r.text


def test_cart_options_update_and_remove(client, db):
    product = query(
        db,
        "SELECT p.* FROM products p WHERE status = 1 AND qty > 10 AND EXISTS "
        "(SELECT 1 FROM product_options o WHERE o.product_id = p.id AND "
        "o.attribute = 'Size') ORDER BY id LIMIT 1",
    )[0]
    options = query(
        db,
        "SELECT attribute, value FROM product_options WHERE product_id = ? ORDER BY position",
        (product["id"],),
    )
    r = client.post("/checkout/cart/add/", data={"product": product["id"], "qty": 1})
    assert "You need to choose options for your item" in r.text
    picks = {f"options[{o['attribute']}]": o["value"] for o in options}
    client.post("/checkout/cart/add/", data={"product": product["id"], "qty": 1, **picks})
    cart = page(client.get("/checkout/cart/"))
    shown = text_of(cart, "#shopping-cart-table .item-options")
    assert all(value in shown for value in picks.values())
    qty_input = cart.select_one("#shopping-cart-table input.qty")
    page(client.post("/checkout/cart/updatePost/", data={qty_input["name"]: "3"}))
    cart = page(client.get("/checkout/cart/"))
    assert text_of(cart, ".minicart .counter-number") == "3"
    line = cart.select_one('button[name="remove_item"]')["value"]
    cart = page(client.post("/checkout/cart/updatePost/", data={"remove_item": line}))
    assert "You have no items in your shopping cart." in cart.get_text()


def test_guest_cart_moves_into_the_account_on_sign_in(client, db):
    product = simple_product(db)
    client.post("/checkout/cart/add/", data={"product": product["id"], "qty": 1})
    sign_in(client)
    assert product["name"] in page(client.get("/checkout/cart/")).get_text()


def test_address_change_shows_in_the_address_book(client, db):
    sign_in(client)
    book = page(client.get("/customer/address/"))
    edit = book.select_one(".box-address-shipping .action.edit")["href"]
    form = page(client.get(edit)).select_one("form.form-address-edit")
    fields = {i["name"]: i.get("value", "") for i in form.select("input")}
    fields.update(
        street="111 Magnolia Path",
        city="Atlanta",
        region="Georgia",
        postcode="30303",
        default_billing="1",
        default_shipping="1",
    )
    r = client.post(form["action"], data=fields)
    assert "You saved the address." in r.text
    soup = page(r)
    for box in (
        ".box.box-address-shipping > .box-content",
        ".box.box-address-billing > .box-content",
    ):
        shown = soup.select_one(box).get_text()
        assert "111 Magnolia Path" in shown and "Atlanta, Georgia, 30303" in shown
    # A new address can become the default too; a default one cannot be deleted.
    r = client.post(
        "/customer/address/formPost/",
        data={
            "firstname": "Emma",
            "lastname": "Lopez",
            "street": "1 Elm St",
            "city": "Austin",
            "region": "Texas",
            "postcode": "73301",
            "telephone": "5125550101",
            "default_shipping": "1",
        },
    )
    assert "1 Elm St" in text_of(page(r), ".box.box-address-shipping > .box-content")
    default = query(db, "SELECT default_shipping FROM customers WHERE id = 1")[0]
    r = client.post(f"/customer/address/delete/id/{default['default_shipping']}/")
    assert "You can't delete a default address." in page(r).get_text()
    bad = client.post("/customer/address/formPost/", data={"firstname": "Emma"})
    assert "Please fill in all required fields" in bad.text


def test_review_waits_for_approval(client, db):
    product = query(db, "SELECT * FROM products WHERE status = 1 ORDER BY id LIMIT 1")[0]
    url = f"/{product['url_key']}.html"
    form = page(client.get(url)).select_one("#review-form form")
    r = client.post(
        form["action"],
        data={
            "ratings": "5",
            "nickname": "Tester",
            "title": "Sturdy and handsome",
            "detail": "Assembled in ten minutes.",
        },
    )
    assert "You submitted your review for moderation." in r.text
    assert "Assembled in ten minutes." not in page(client.get(url)).get_text()
    admin_sign_in(client)
    grid = page(client.get("/admin/review/product/pending/"))
    row = next(
        tr
        for tr in grid.select("#reviewGrid_table tbody tr")
        if "Sturdy and handsome" in tr.get_text()
    )
    review_id = row.select_one('input[name="reviews"]')["value"]
    r = client.post(
        "/admin/review/product/massUpdate/", data={"reviews": review_id, "action": "Approved"}
    )
    assert "1 record(s) have been updated" in r.text
    shown = page(client.get(url))
    assert "Assembled in ten minutes." in text_of(shown, "#reviews")
    approved = query(
        db,
        "SELECT COUNT(*) AS n FROM reviews WHERE product_id = ? AND status = 'Approved'",
        (product["id"],),
    )[0]["n"]
    assert text_of(shown, "#tab-label-reviews-title") == f"Reviews {approved}"
    # Deleting it from the grid removes it from the store.
    client.post(
        "/admin/review/product/massUpdate/", data={"reviews": review_id, "action": "delete"}
    )
    assert "Assembled in ten minutes." not in page(client.get(url)).get_text()


def test_admin_product_edit_reaches_the_store(client, db):
    product = simple_product(db)
    admin_sign_in(client)
    edit = f"/admin/catalog/product/edit/id/{product['id']}/"
    form = page(client.get(edit)).select_one("#product_form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    fields.update(
        {s["name"]: s.select_one("option[selected]")["value"] for s in form.select("select")}
    )
    fields["product[description]"] = form.select_one("textarea").get_text()
    new_price = round(product["price"] - 5, 2)
    fields["product[price]"] = str(new_price)
    r = client.post(form["action"], data=fields)
    assert "You saved the product." in r.text
    assert page(r).select_one('input[name="product[price]"]')["value"] == f"{new_price:.2f}"
    store = page(client.get(f"/{product['url_key']}.html"))
    assert text_of(store, ".product-info-price .price") == f"${new_price:,.2f}"
    # Disabled products leave the storefront; bad input is refused.
    fields["product[status]"] = "2"
    client.post(form["action"], data=fields)
    assert client.get(f"/{product['url_key']}.html").status_code == 404
    fields["product[price]"] = "cheap"
    assert "Please enter a valid price." in client.post(form["action"], data=fields).text


def test_admin_grids_search(client, db):
    admin_sign_in(client)
    product = simple_product(db)
    grid = page(client.get("/admin/catalog/product/", params={"search": product["sku"]}))
    assert text_of(grid, ".admin__control-support-text") == "1 records found"
    canceled = page(client.get("/admin/sales/order/", params={"status": "canceled"}))
    assert "Canceled" in text_of(canceled, "div.admin__data-grid-filters-current")
    count = query(db, "SELECT COUNT(*) AS n FROM orders WHERE status = 'canceled'")[0]["n"]
    assert text_of(canceled, ".admin__control-support-text") == f"{count} records found"
    phone = query(
        db,
        "SELECT telephone FROM addresses WHERE id = (SELECT default_billing FROM "
        "customers WHERE id = 7)",
    )[0]["telephone"]
    people = page(client.get("/admin/customer/index/", params={"search": phone}))
    assert phone in text_of(people, "#customer_listing tbody")


def test_admin_order_actions(client, db):
    admin_sign_in(client)
    pending = query(
        db,
        "SELECT id FROM orders WHERE status = 'pending' AND customer_id = 1 "
        "ORDER BY id DESC LIMIT 1",
    )[0]["id"]
    view = f"/admin/sales/order/view/order_id/{pending}/"
    r = client.post(f"/admin/sales/order/hold/order_id/{pending}/")
    assert text_of(page(r), "#order_status") == "On Hold"
    r = client.post(f"/admin/sales/order/cancel/order_id/{pending}/")
    assert text_of(page(r), "#order_status") == "Canceled"
    r = client.post(f"/admin/sales/order/complete/order_id/{pending}/")
    assert "You cannot complete this order." in r.text
    client.post(
        f"/admin/sales/order/addComment/order_id/{pending}/",
        data={
            "history[comment]": "Refund issued.",
            "history[status]": "canceled",
            "history[is_customer_notified]": "1",
        },
    )
    assert "Refund issued." in page(client.get(view)).get_text()
    client.post(
        f"/admin/sales/order/addTrack/order_id/{pending}/",
        data={"carrier": "DHL", "number": "24353446464"},
    )
    shipments = page(
        client.get(
            f"/admin/sales/order/commentsHistory/order_id/{pending}/active_tab/order_shipments/"
        )
    )
    assert "Tracking number 24353446464 for DHL assigned" in shipments.get_text()
    address = page(client.get(view)).select_one(".order-shipping-address .action-edit")["href"]
    form = page(client.get(address)).select_one("form.order-address-form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input")}
    fields.update(street="456 Oak Avenue", city="New York", region="New York", postcode="10001")
    r = client.post(form["action"], data=fields)
    assert "456 Oak Avenue" in text_of(page(r), ".order-shipping-address")
    # The customer sees the new status, the notified comment and the new address.
    sign_in(client)
    mine = page(client.get(f"/sales/order/view/order_id/{pending}/"))
    assert text_of(mine, ".order-status") == "Canceled"
    assert "Refund issued." in text_of(mine, ".block-order-details-comments")
    assert "456 Oak Avenue" in text_of(mine, ".box-order-shipping-address")


def test_admin_customer_edit(client, db):
    admin_sign_in(client)
    r = client.post(
        "/admin/customer/index/save/id/5/",
        data={
            "customer[firstname]": "Sarah",
            "customer[lastname]": "Miller",
            "customer[email]": "sarah.miller@example.com",
        },
    )
    assert "You saved the customer." in r.text
    assert (
        query(db, "SELECT email FROM customers WHERE id = 5")[0]["email"]
        == "sarah.miller@example.com"
    )
    taken = client.post(
        "/admin/customer/index/save/id/5/",
        data={
            "customer[firstname]": "Sarah",
            "customer[lastname]": "Miller",
            "customer[email]": CUSTOMER_LOGIN["username"],
        },
    )
    assert "same email address already exists" in taken.text
    address = query(db, "SELECT * FROM addresses WHERE customer_id = 5 LIMIT 1")[0]
    fields = {
        f"address_{k}": address[k]
        for k in (
            "firstname",
            "lastname",
            "company",
            "street",
            "city",
            "region",
            "postcode",
            "telephone",
        )
    }
    fields["address_street"] = "9 Harbor Road"
    client.post(f"/admin/customer/address/save/id/{address['id']}/", data=fields)
    edit = page(client.get("/admin/customer/index/edit/id/5/"))
    assert "9 Harbor Road" in text_of(edit, "#addresses")


def test_admin_reports_match_the_orders(client, db):
    admin_sign_in(client)
    soup = page(
        client.get(
            "/admin/reports/report_sales/sales/",
            params={"from": "2/1/23", "to": "2/28/23", "period_type": "month"},
        )
    )
    assert soup.select_one("#sales_report_from")["value"] == "2/1/23"
    assert soup.select_one("#sales_report_to")["value"] == "2/28/23"
    expected = query(
        db,
        "SELECT COUNT(*) AS n, ROUND(SUM(grand_total), 2) AS total FROM "
        "orders WHERE created_at BETWEEN '2023-02-01' AND '2023-02-28 99'",
    )[0]
    cells = [td.get_text(strip=True) for td in soup.select("#gridSales tbody tr td")]
    assert cells[0] == "2023-02" and int(cells[1]) == expected["n"]
    assert price_of(cells[6]) == pytest.approx(expected["total"])
    # ISO dates work too and come back in Magento's format.
    iso = page(
        client.get(
            "/admin/reports/report_sales/shipping/",
            params={"from": "2022-08-05", "to": "2023-03-01"},
        )
    )
    assert iso.select_one("#sales_report_from")["value"] == "8/5/22"
    top = query(
        db,
        """SELECT i.name, SUM(i.qty) AS q FROM order_items i JOIN orders o
        ON o.id = i.order_id WHERE o.status != 'canceled' AND o.created_at LIKE '2023-01%'
        GROUP BY i.product_id ORDER BY q DESC, MAX(i.price) DESC, i.product_id LIMIT 3""",
    )
    best = page(
        client.get(
            "/admin/reports/report_sales/bestsellers/",
            params={"from": "1/1/23", "to": "1/31/23", "period_type": "month"},
        )
    )
    names = [
        tr.select("td")[2].get_text(strip=True)
        for tr in best.select("#gridBestsellers tbody tr")[:3]
    ]
    assert names == [t["name"] for t in top]
    terms = page(client.get("/admin/search/term/report/"))
    most = query(db, "SELECT query_text FROM search_terms ORDER BY popularity DESC, id")[0]
    assert (
        text_of(terms, "#searchReportGrid_table tbody tr td:nth-of-type(2)") == most["query_text"]
    )


def test_wishlist_newsletter_contact_and_register(client, db):
    sign_in(client)
    product = simple_product(db)
    r = client.post("/wishlist/index/add/", data={"product": product["id"]})
    assert product["name"] in text_of(page(r), ".products-grid.wishlist")
    item = query(
        db,
        "SELECT id FROM wishlist_items WHERE customer_id = 1 AND product_id = ?",
        (product["id"],),
    )[0]["id"]
    r = client.post("/wishlist/index/cart/", data={"item": item})
    assert product["name"] not in text_of(page(r), ".column.main")
    assert product["name"] in page(client.get("/checkout/cart/")).get_text()
    r = client.post("/newsletter/manage/", data={"is_subscribed": "1"})
    assert (
        page(client.get("/newsletter/manage/"))
        .select_one('[title="General Subscription"]')
        .has_attr("checked")
    )
    r = client.post(
        "/contact/",
        data={
            "name": "Emma Lopez",
            "email": "emma.lopez@gmail.com",
            "comment": "Please refund order 000000180.",
        },
    )
    assert "Thanks for contacting us" in r.text
    assert query(db, "SELECT comment FROM contact_messages")[0]["comment"].endswith("180.")
    client.get("/customer/account/logout/")
    r = client.post(
        "/customer/account/createpost/",
        data={
            "firstname": "Ann",
            "lastname": "Lee",
            "email": "ann.lee@example.com",
            "password": "Secret.123",
            "password_confirmation": "Secret.123",
        },
    )
    assert r.url.path == "/customer/account/" and "Ann Lee" in r.text
    again = client.post(
        "/customer/account/createpost/",
        data={
            "firstname": "Ann",
            "lastname": "Lee",
            "email": "ann.lee@example.com",
            "password": "Secret.123",
            "password_confirmation": "Secret.123",
        },
    )
    assert "already an account" in again.text


def test_reorder_fills_the_cart(client, db):
    sign_in(client)
    order = query(
        db,
        "SELECT o.id FROM orders o WHERE customer_id = 1 AND NOT EXISTS (SELECT 1 "
        "FROM order_items i JOIN products p ON p.id = i.product_id WHERE "
        "i.order_id = o.id AND (p.status != 1 OR p.is_in_stock = 0)) LIMIT 1",
    )[0]
    items = query(db, "SELECT name FROM order_items WHERE order_id = ?", (order["id"],))
    cart = page(client.post(f"/sales/order/reorder/order_id/{order['id']}/"))
    assert all(i["name"] in cart.get_text() for i in items)


# ------------------------------------------------------------------------- server


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_reset_restores_the_pristine_database():
    server = ShopServer(seed=0)
    try:
        base = server.acquire()
        dump_sql = "SELECT id, name, price, qty, status FROM products ORDER BY id"
        before = server.sql(dump_sql)
        with httpx.Client(base_url=base, follow_redirects=True) as http:
            http.post(
                "/admin/auth/login/",
                data={"login[username]": "admin", "login[password]": "admin1234"},
            )
            http.post(
                "/admin/catalog/product/save/id/1/",
                data={
                    "product[name]": "Changed",
                    "product[sku]": "X1",
                    "product[price]": "1.00",
                    "product[quantity_and_stock_status][qty]": "0",
                    "product[quantity_and_stock_status][is_in_stock]": "0",
                    "product[status]": "2",
                    "product[description]": "",
                },
            )
            http.post(
                "/review/product/post/id/2/",
                data={"ratings": "1", "nickname": "x", "title": "y", "detail": "z"},
            )
        assert server.sql("SELECT name FROM products WHERE id = 1")[0]["name"] == "Changed"
        seconds = server.reset()
        print(f"\nshop reset: {seconds * 1000:.1f} ms")
        assert server.sql(dump_sql) == before
        assert server.sql("SELECT COUNT(*) AS n FROM reviews WHERE nickname = 'x'")[0]["n"] == 0
        with httpx.Client(base_url=base) as http:  # what Chromium will load
            assert http.get("/catalog/product/view/id/1").status_code == 301
            home, css = http.get("/"), http.get("/static/shop.css")
        assert home.status_code == 200 and re.search(r"</html>\s*$", home.text)
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        with pytest.raises(sqlite3.OperationalError):
            server.sql("DELETE FROM products")
    finally:
        server.close()


def test_server_lifecycle_is_reference_counted():
    server = ShopServer(seed=0)
    assert not server.running
    first = server.acquire()
    second = server.acquire()
    assert first == second and server.refs == 2
    port, folder = server.port, server.db_path.parent
    assert port_open(port)
    assert httpx.get(first + "/").status_code == 200
    server.release()
    assert server.running and port_open(port)
    server.release()
    assert not server.running and not port_open(port) and not folder.exists()
    server.release()  # extra releases are harmless
    with pytest.raises(RuntimeError):
        _ = server.base_url
    # It starts again on demand, once, however many envs ask at the same time.
    with ThreadPoolExecutor(4) as pool:
        urls = set(pool.map(lambda _: server.acquire(), range(4)))
    assert len(urls) == 1 and server.refs == 4 and port_open(server.port)
    server.close()
    assert not server.running
    assert ShopServer.shared(12345) is ShopServer.shared(12345)
