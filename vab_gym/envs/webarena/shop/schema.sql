-- The local shop's database: a Magento-like store reduced to what its pages show.
-- Money is REAL dollars rounded to cents; timestamps are ISO text 'YYYY-MM-DD HH:MM:SS'.

CREATE TABLE store_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE categories (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES categories(id),
    name      TEXT NOT NULL,
    url_path  TEXT NOT NULL UNIQUE,          -- 'electronics/headphones-audio/headphones'
    level     INTEGER NOT NULL,              -- 1 (top) .. 3 (leaf)
    position  INTEGER NOT NULL
);

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    sku           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    url_key       TEXT NOT NULL UNIQUE,      -- served at /{url_key}.html
    brand         TEXT NOT NULL,
    category_id   INTEGER NOT NULL REFERENCES categories(id),
    price         REAL NOT NULL,
    special_price REAL,                      -- a sale price when set
    qty           INTEGER NOT NULL,
    is_in_stock   INTEGER NOT NULL,          -- 1 in stock, 0 out of stock
    status        INTEGER NOT NULL,          -- Magento's codes: 1 enabled, 2 disabled
    description   TEXT NOT NULL,
    weight        REAL NOT NULL,             -- pounds
    image_color   TEXT NOT NULL,             -- placeholder image background
    created_at    TEXT NOT NULL
);
CREATE INDEX products_category ON products(category_id);

CREATE TABLE product_options (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    attribute  TEXT NOT NULL,                -- 'Size' or 'Color'
    value      TEXT NOT NULL,
    position   INTEGER NOT NULL
);
CREATE INDEX product_options_product ON product_options(product_id);

-- Quick search over names, brands, SKUs and category names (porter stemming: chair ~ chairs).
CREATE VIRTUAL TABLE product_search USING fts5(
    name, brand, sku, category, tokenize = 'porter unicode61'
);
CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN
    INSERT INTO product_search(rowid, name, brand, sku, category)
    VALUES (new.id, new.name, new.brand, new.sku,
            (SELECT name FROM categories WHERE id = new.category_id));
END;
CREATE TRIGGER products_au AFTER UPDATE OF name, brand, sku, category_id ON products BEGIN
    DELETE FROM product_search WHERE rowid = old.id;
    INSERT INTO product_search(rowid, name, brand, sku, category)
    VALUES (new.id, new.name, new.brand, new.sku,
            (SELECT name FROM categories WHERE id = new.category_id));
END;
CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN
    DELETE FROM product_search WHERE rowid = old.id;
END;

CREATE TABLE customers (
    id               INTEGER PRIMARY KEY,
    firstname        TEXT NOT NULL,
    lastname         TEXT NOT NULL,
    email            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash    TEXT NOT NULL,
    gender           TEXT,
    dob              TEXT,
    newsletter       INTEGER NOT NULL DEFAULT 0,
    default_billing  INTEGER REFERENCES addresses(id),
    default_shipping INTEGER REFERENCES addresses(id),
    created_at       TEXT NOT NULL
);

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    firstname   TEXT NOT NULL,
    lastname    TEXT NOT NULL,
    company     TEXT NOT NULL DEFAULT '',
    street      TEXT NOT NULL,
    city        TEXT NOT NULL,
    region      TEXT NOT NULL,               -- full state name, as Magento displays it
    postcode    TEXT NOT NULL,
    country     TEXT NOT NULL,
    telephone   TEXT NOT NULL
);
CREATE INDEX addresses_customer ON addresses(customer_id);

CREATE TABLE wishlist_items (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    qty         INTEGER NOT NULL DEFAULT 1,
    added_at    TEXT NOT NULL,
    UNIQUE (customer_id, product_id)
);

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,  -- NULL: a guest
    nickname    TEXT NOT NULL,
    title       TEXT NOT NULL,
    detail      TEXT NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    status      TEXT NOT NULL CHECK (status IN ('Approved', 'Pending', 'Not Approved')),
    created_at  TEXT NOT NULL
);
CREATE INDEX reviews_product ON reviews(product_id);

-- What the storefront shows: only approved reviews count towards a product's rating.
CREATE VIEW product_ratings AS
    SELECT product_id, AVG(rating) AS avg_rating, COUNT(*) AS review_count
    FROM reviews WHERE status = 'Approved' GROUP BY product_id;

CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,   -- equals int(increment_id), as in WebArena's URLs
    increment_id      TEXT NOT NULL UNIQUE,  -- '000000123'
    customer_id       INTEGER REFERENCES customers(id),
    customer_firstname TEXT NOT NULL,
    customer_lastname TEXT NOT NULL,
    customer_email    TEXT NOT NULL,
    status            TEXT NOT NULL
        CHECK (status IN ('pending', 'processing', 'complete', 'canceled', 'holded')),
    created_at        TEXT NOT NULL,
    subtotal          REAL NOT NULL,
    shipping_amount   REAL NOT NULL,
    discount_amount   REAL NOT NULL DEFAULT 0,
    grand_total       REAL NOT NULL,
    total_qty         INTEGER NOT NULL,
    shipping_method   TEXT NOT NULL,
    payment_method    TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX orders_created ON orders(created_at);

CREATE TABLE order_addresses (
    id        INTEGER PRIMARY KEY,
    order_id  INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    type      TEXT NOT NULL CHECK (type IN ('billing', 'shipping')),
    firstname TEXT NOT NULL,
    lastname  TEXT NOT NULL,
    company   TEXT NOT NULL DEFAULT '',
    street    TEXT NOT NULL,
    city      TEXT NOT NULL,
    region    TEXT NOT NULL,
    postcode  TEXT NOT NULL,
    country   TEXT NOT NULL,
    telephone TEXT NOT NULL,
    UNIQUE (order_id, type)
);

CREATE TABLE order_items (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
    sku        TEXT NOT NULL,
    name       TEXT NOT NULL,
    options    TEXT NOT NULL DEFAULT '[]',   -- JSON list of [attribute, value]
    price      REAL NOT NULL,
    qty        INTEGER NOT NULL,
    row_total  REAL NOT NULL
);
CREATE INDEX order_items_order ON order_items(order_id);

CREATE TABLE order_history (
    id                INTEGER PRIMARY KEY,
    order_id          INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    status            TEXT NOT NULL,
    comment           TEXT NOT NULL DEFAULT '',
    is_customer_notified INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
);
CREATE INDEX order_history_order ON order_history(order_id);

CREATE TABLE cart_items (
    id         INTEGER PRIMARY KEY,
    owner      TEXT NOT NULL,                -- 'customer:<id>' or 'guest:<token>'
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    options    TEXT NOT NULL DEFAULT '[]',
    qty        INTEGER NOT NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX cart_items_owner ON cart_items(owner);

CREATE TABLE search_terms (
    id          INTEGER PRIMARY KEY,
    query_text  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    num_results INTEGER NOT NULL,
    popularity  INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE contact_messages (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    telephone  TEXT NOT NULL DEFAULT '',
    comment    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE admin_users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    firstname     TEXT NOT NULL,
    lastname      TEXT NOT NULL,
    email         TEXT NOT NULL
);
