"""The shop's data: a seeded catalogue, customers, reviews and two years of orders in SQLite.

Everything comes from ``random.Random(seed)`` and a Faker seeded alike, with dates placed
relative to a fixed :data:`TODAY` (never the clock), so one seed always gives the same rows.
Brands are invented so that made-up reviews never speak about real companies. The layout
mirrors WebArena's One Stop Market (Magento): 3-level categories, ASIN-like SKUs, order
numbers ``000000123`` whose integer is the order's id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

SCHEMA = Path(__file__).with_name("schema.sql")
TODAY = dt.date(2023, 12, 31)
HISTORY_START = dt.date(2022, 1, 1)

STORE = {
    "name": "One Stop Market",
    "phone": "+1 (800) 555-0199",
    "email": "support@onestopmarket.com",
    "address": "6146 Honey Bluff Parkway, Calder, Michigan, 49628",
    "hours": "Monday to Friday, 9am-6pm ET",
    "today": TODAY.isoformat(),
}
CUSTOMER_LOGIN = {"username": "emma.lopez@gmail.com", "password": "Password.123"}
ADMIN_LOGIN = {"username": "admin", "password": "admin1234"}
FLAT_RATE = 5.0          # dollars per item, Magento's default "Flat Rate - Fixed"
FREE_SHIPPING_FROM = 100.0
SHIPPING_METHODS = {"flatrate": "Flat Rate - Fixed", "freeshipping": "Free Shipping - Free"}
PAYMENT_METHOD = "Check / Money order"
ORDER_STATUSES = {
    "pending": "Pending",
    "processing": "Processing",
    "complete": "Complete",
    "canceled": "Canceled",
    "holded": "On Hold",
}

APPAREL_SIZES = ("XS", "S", "M", "L", "XL")
PANT_SIZES = ("28", "29", "30", "31", "32", "33", "34", "36")
SHOE_SIZES = ("7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12")
COLOURS = ("Black", "White", "Gray", "Navy", "Blue", "Red", "Green", "Pink", "Purple",
           "Beige", "Brown", "Orange", "Yellow")


@dataclass(frozen=True)
class Leaf:
    """A third-level category and how to make believable products for it.

    ``pattern`` is a name template over ``brand``, ``noun`` and the spec picks ``a`` .. ``c``
    (one value from each list of ``specs``); ``price`` bounds a log-uniform draw.
    """

    name: str
    nouns: tuple[str, ...]
    brands: tuple[str, ...]
    price: tuple[float, float]
    specs: tuple[tuple[str, ...], ...]
    aspects: tuple[str, ...]
    features: tuple[str, ...]
    pattern: str = "{brand} {a} {noun}, {b}"
    options: str = ""            # '', 'apparel', 'pants', 'shoes' or 'color'


def _t(text: str) -> tuple[str, ...]:
    """A tuple from a '|'-separated string, to keep the tables below readable."""
    return tuple(part.strip() for part in text.split("|"))


def leaf(name: str, nouns: str, brands: str, price: tuple[float, float], specs: list[str],
         aspects: str, features: str, pattern: str = "{brand} {a} {noun}, {b}",
         options: str = "") -> Leaf:
    return Leaf(name, _t(nouns), _t(brands), price, tuple(_t(s) for s in specs),
                _t(aspects), _t(features), pattern, options)


TAXONOMY: dict[str, dict[str, tuple[Leaf, ...]]] = {
    "Electronics": {
        "Computers & Accessories": (
            leaf("Laptops", "Laptop|Notebook|Chromebook", "Veltrix|Norrland|Aurex|Kestrel",
                 (279, 1899), ["14\"|15.6\"|13.3\"|16\"",
                               "Intel Core i5, 8GB RAM, 256GB SSD|Intel Core i7, 16GB RAM, "
                               "512GB SSD|AMD Ryzen 5, 8GB RAM, 512GB SSD|AMD Ryzen 7, 16GB "
                               "RAM, 1TB SSD|Intel Celeron, 4GB RAM, 64GB eMMC",
                               "Windows 11 Home|Windows 11 Pro|ChromeOS"],
                 "battery life|screen|keyboard|speed|build quality",
                 "full HD IPS display with thin bezels|backlit keyboard for late-night work|"
                 "fast charging: 50% in about 45 minutes|Wi-Fi 6 and Bluetooth 5.1|"
                 "USB-C, USB-A and HDMI ports|all-day battery for work and school",
                 "{brand} {a} {noun}, {b}, {c}"),
            leaf("Monitors", "Monitor|Gaming Monitor|Computer Monitor", "Viewtek|Aurex|Lumora",
                 (99, 649), ["24\"|27\"|32\"|21.5\"|34\" Ultrawide",
                             "1080p 75Hz|1440p 144Hz|4K UHD 60Hz|1080p 165Hz",
                             "IPS|VA|Eye Care"],
                 "picture|colors|stand|brightness|value",
                 "frameless design for multi-monitor setups|flicker-free backlight and low "
                 "blue light mode|VESA mount compatible|HDMI and DisplayPort inputs|"
                 "tilt-adjustable stand", "{brand} {a} {c} {noun}, {b}"),
            leaf("Keyboards & Mice", "Wireless Keyboard|Mechanical Keyboard|Wireless Mouse|"
                 "Keyboard and Mouse Combo|Ergonomic Mouse", "Keyflow|Norrland|Tactix",
                 (12, 129), ["Compact|Full-Size|Silent|Slim|Rechargeable",
                             "2.4G USB Receiver|Bluetooth|USB-C Wired|Dual Mode"],
                 "keys|battery|connection|comfort|clicks",
                 "quiet keys for shared offices|plug-and-play USB receiver|"
                 "up to 12 months of battery life|spill-resistant design|"
                 "works with Windows, macOS and ChromeOS")),
        "Headphones & Audio": (
            leaf("Headphones", "Wireless Headphones|Over-Ear Headphones|Earbuds|"
                 "Noise Cancelling Headphones|Sports Earbuds", "Sonora|Auralis|Beatline|Pulse",
                 (15, 349), ["Bluetooth 5.3|Active Noise Cancelling|Hi-Res Audio|Waterproof",
                             "40H Playtime|30H Playtime|Deep Bass|with Microphone"],
                 "sound quality|bass|comfort|battery life|noise cancelling|microphone",
                 "deep bass with crisp highs|soft memory-foam ear cushions|"
                 "fast pairing with phones and laptops|built-in microphone for calls|"
                 "foldable design with travel case", options="color"),
            leaf("Bluetooth Speakers", "Bluetooth Speaker|Portable Speaker|Smart Speaker|"
                 "Party Speaker", "Sonora|Echoline|Boomly", (19, 299),
                 ["Waterproof IPX7|Mini|Outdoor|360° Sound",
                  "24H Playtime|Stereo Pairing|with Alexa|with Lights"],
                 "sound|volume|bass|battery|connection",
                 "room-filling 360° sound|IPX7 waterproof for pool and beach|"
                 "pairs two speakers for stereo|USB-C charging|built-in strap for hiking",
                 options="color")),
        "Cell Phones & Accessories": (
            leaf("Phone Cases", "Phone Case|Wallet Case|Clear Case|Rugged Case",
                 "Eyzora|Armorly|Casely|Shieldon", (7, 39),
                 ["for iPhone 14|for iPhone 13|for Galaxy S22|for Galaxy S23|for Pixel 7",
                  "Shockproof|Slim Fit|with Card Holder|with Kickstand|Magnetic"],
                 "quality|fit|grip|protection|color",
                 "raised edges protect the screen and camera|precise cut-outs for ports|"
                 "wireless charging compatible|soft microfiber lining|anti-yellowing finish",
                 "{brand} {noun} {a}, {b}", options="color"),
            leaf("Screen Protectors", "Screen Protector|Privacy Screen Protector|"
                 "Tempered Glass Screen Protector", "Nearview|Clearix|Glasso", (5, 25),
                 ["3-Pack|2-Pack|Single",
                  "for iPhone 14|for Galaxy S6|for Galaxy S23|for Pixel 7|for iPad 10.2",
                  "9H Hardness|Bubble-Free|Case Friendly|Anti-Fingerprint"],
                 "clarity|fingerprint resistance|installation|touch sensitivity|bubbles",
                 "9H hardness resists scratches from keys and coins|oleophobic coating keeps "
                 "fingerprints away|bubble-free installation with alignment frame|"
                 "99% HD clarity|case friendly edges", "{a} {brand} {noun} {b}, {c}"),
            leaf("Chargers & Cables", "USB-C Cable|Lightning Cable|Wall Charger|"
                 "Car Charger|Wireless Charger|Lightning to 3.5mm Adapter",
                 "Wirewell|Voltix|Chargewell", (6, 49),
                 ["6ft|3ft|10ft|20W|65W|15W", "Braided|Fast Charging|2-Pack|MFi Certified"],
                 "charging speed|cable length|durability|connector|build",
                 "braided nylon survives 20,000 bends|fast charging up to the device's max|"
                 "overheat and overcharge protection|slim connector fits most cases",
                 "{brand} {a} {noun}, {b}")),
    },
    "Video Games": {
        "Nintendo Switch": (
            leaf("Switch Accessories", "Game Card Holder|Carrying Case|Charging Dock|"
                 "Joy-Con Grips|Screen Protector", "Playvault|Cardcove|Packmule",
                 (8, 49), ["for Nintendo Switch|for Switch OLED|for Switch Lite",
                           "24 Cards|40 Cards|12 Cards|Hard Shell|2-Pack"],
                 "storage|protection|fit|quality|design",
                 "hard shell protects against drops|holds game cards and microSD cards|"
                 "magnetic closure|slim enough for a backpack", "{brand} {noun} {a}, {b}",
                 options="color"),
            leaf("Switch Games", "Adventure|Kart Racing|Party Game|Puzzle Quest|Farm Story",
                 "Pixelwave|Moonforge|Starbit Studios", (19, 69),
                 ["Deluxe|Legends|Odyssey|World|Arena",
                  "Standard Edition|Deluxe Edition|Digital Code"],
                 "gameplay|story|graphics|multiplayer|replay value",
                 "local multiplayer for up to 4 players|over 40 hours of adventure|"
                 "family friendly, rated E for Everyone|handheld and TV modes",
                 "{brand} {noun} {a} - Nintendo Switch, {b}")),
        "Xbox": (
            leaf("Xbox Controllers", "Wireless Controller|Elite Controller|Wired Controller",
                 "Gamelink|Controlla|Voltpad", (29, 179),
                 ["Carbon Black|Robot White|Shock Blue|Pulse Red",
                  "for Xbox Series X/S|for Xbox One|for Xbox and PC",
                  "2021 Model|2020 Model|2022 Model"],
                 "buttons|grip|battery|connection|triggers",
                 "textured grip and hybrid D-pad|Bluetooth for PC and mobile|"
                 "3.5mm headset jack|button mapping in the app",
                 "{brand} {noun} {a} {b}, {c}"),
            leaf("Xbox Accessories", "Charging Station|Racing Wheel|Headset Stand|"
                 "Controller Skin|Rechargeable Battery Pack", "Gamelink|Voltpad|Overdrive",
                 (9, 149), ["for Xbox Series X/S|for Xbox One", "Dual Port|2-Pack|Pro|Deluxe"],
                 "quality|setup|charging|durability|value",
                 "dual-port charging dock|LED charge indicators|fits all official controllers",
                 "{brand} {noun} {a}, {b}")),
        "PC Gaming": (
            leaf("Gaming Mice", "Gaming Mouse|Wireless Gaming Mouse|Lightweight Gaming Mouse",
                 "Tactix|Razorfin|Corvex", (19, 129),
                 ["RGB|Ultralight|Ergonomic", "16000 DPI|26000 DPI|8000 DPI"],
                 "sensor|weight|buttons|software|grip",
                 "precise optical sensor|programmable side buttons|RGB lighting with presets|"
                 "braided cable"),
            leaf("Gaming Headsets", "Gaming Headset|Wireless Gaming Headset",
                 "Corvex|Auralis|Razorfin", (25, 199),
                 ["7.1 Surround|Stereo|Wireless", "for PC, PS5 and Xbox|for PC|with Mic"],
                 "sound|microphone|comfort|cable|build",
                 "noise-cancelling boom microphone|memory foam ear cups|"
                 "7.1 virtual surround sound", options="color")),
    },
    "Home & Kitchen": {
        "Furniture": (
            leaf("Living Room Furniture", "Sofa|Loveseat|Coffee Table|TV Stand|Accent Chair|"
                 "Bookshelf|Recliner", "Homestead|Oakly|Nordic Nest|Driftwood Co.", (79, 999),
                 ["Mid-Century Modern|Farmhouse|Upholstered|Scandinavian|Rustic",
                  "Walnut|Gray|Beige|Black|White|Navy"],
                 "assembly|comfort|sturdiness|color|size",
                 "solid wood legs|easy assembly in under 30 minutes|stain-resistant fabric|"
                 "holds up to 300 lbs|fits small apartments", "{brand} {a} {noun}, {b}"),
            leaf("Bedroom Furniture", "Nightstand|Dresser|Bed Frame|Headboard|Wardrobe",
                 "Homestead|Oakly|Sleepwell", (49, 799),
                 ["Queen|Full|King|Twin|2-Drawer|6-Drawer", "Walnut|White|Gray|Black|Oak"],
                 "assembly|sturdiness|storage|finish|size",
                 "smooth-gliding drawers|anti-tip hardware included|no box spring needed",
                 "{brand} {a} {noun}, {b}"),
            leaf("Home Office Furniture", "Desk|Standing Desk|Office Chair|Desk Chair|"
                 "Filing Cabinet|Computer Desk", "Workwise|Oakly|Ergonest", (59, 599),
                 ["Ergonomic|Adjustable|L-Shaped|Compact|Executive",
                  "White|Black|Walnut|Gray|Rustic Brown"],
                 "assembly|comfort|sturdiness|height|size",
                 "adjustable height for sitting or standing|lumbar support|cable management "
                 "tray|scratch-resistant top|smooth rolling casters", "{brand} {b} {a} {noun}")),
        "Kitchen & Dining": (
            leaf("Cookware", "Frying Pan|Cookware Set|Dutch Oven|Saucepan|Wok",
                 "Chefline|Cuisio|Ironwood", (19, 299),
                 ["Nonstick|Stainless Steel|Cast Iron|Ceramic", "10-Piece|12 Inch|5.5 Quart|"
                  "8 Inch|3-Piece"], "nonstick coating|heat|handle|cleanup|weight",
                 "oven safe to 500°F|works on induction|PFOA-free coating|dishwasher safe",
                 "{brand} {a} {noun}, {b}"),
            leaf("Small Appliances", "Air Fryer|Blender|Coffee Maker|Toaster|Electric Kettle|"
                 "Stand Mixer", "Cuisio|Brevio|Kitchenly", (25, 399),
                 ["Compact|Large Capacity|Quiet|Smart|Retro",
                  "Digital|Stainless Steel|Programmable|Matte Black"],
                 "performance|noise|cleanup|size|controls",
                 "one-touch presets|auto shut-off|dishwasher-safe parts|compact footprint",
                 "{brand} {b} {noun}, {a}", options="color"),
            leaf("Kitchen Utensils", "Utensil Set|Knife Set|Cutting Board|Measuring Cups|"
                 "Spatula Set", "Chefline|Utensio|Bamboozle", (8, 149),
                 ["Silicone|Bamboo|Stainless Steel|Wooden", "5-Piece|15-Piece|3-Pack|Set of 4"],
                 "quality|sharpness|grip|durability|cleanup",
                 "heat resistant to 450°F|ergonomic handles|dishwasher safe",
                 "{brand} {a} {noun}, {b}")),
        "Home Décor": (
            leaf("Candles & Holders", "Taper Candles|Scented Candle|Pillar Candles|"
                 "Candle Holders|Wall Candle Sconces", "Glowhaus|Wickly|Spira Home", (9, 59),
                 ["4 Pack|12 Pack|Set of 2|Single", "White|Ivory|Pink|Gradient|Black|Gold",
                  "10 Inch|8 Hour Burn|Unscented|Lavender Scent"],
                 "scent|burn time|color|dripping|packaging",
                 "dripless, smokeless burn|premium paraffin wax|gift-ready packaging",
                 "{brand} {b} {noun} - {a}, {c}"),
            leaf("Artificial Plants", "Artificial Plant|Fake Succulents|Faux Fiddle Leaf Fig|"
                 "Artificial Orchid|Hanging Plants", "Verdana|Evergreenery|Leafy Lane",
                 (12, 129), ["Green|Green and White|Purple|Pink", "in Pot|3 Pack|4 ft|12 Inch"],
                 "realism|color|size|pot|quality",
                 "lifelike leaves with natural texture|no watering needed|UV resistant",
                 "{brand} {noun} {b}, {a}"),
            leaf("Wall Art", "Canvas Wall Art|Framed Print|Wall Mirror|Metal Wall Decor",
                 "Artiva|Frameworks|Driftwood Co.", (15, 199),
                 ["Abstract|Botanical|Ocean|Mountain|Boho", "24x36|16x20|3 Panels|Set of 2"],
                 "colors|frame|size|quality|hanging",
                 "ready to hang|gallery-wrapped canvas|fade-resistant inks",
                 "{brand} {a} {noun}, {b}")),
    },
    "Beauty & Personal Care": {
        "Skin Care": (
            leaf("Face Moisturizers", "Face Moisturizer|Night Cream|Vitamin C Serum|Eye Cream|"
                 "Hyaluronic Acid Serum", "Dermelle|Purely|Luminique|Glowra", (8, 79),
                 ["Hydrating|Anti-Aging|Oil-Free|Fragrance-Free",
                  "1.7 oz|1 fl oz|2.5 oz|0.5 oz"],
                 "texture|scent|hydration|results|packaging",
                 "lightweight, non-greasy formula|suitable for sensitive skin|"
                 "dermatologist tested|cruelty free", "{brand} {a} {noun}, {b}"),
            leaf("Body Butters & Lotions", "Body Butter|Body Lotion|Hand Cream|Body Oil",
                 "Shea Nova|Purely|Cocoa Grove", (6, 39),
                 ["Shea|Cocoa|Coconut|Vanilla|Unscented", "8 oz|16 oz|6.7 oz|Set of 3"],
                 "scent|texture|moisture|absorption|packaging",
                 "rich whipped texture|absorbs fast without residue|24-hour moisture",
                 "{brand} {a} {noun}, {b}")),
        "Makeup": (
            leaf("Makeup Brushes & Tools", "Makeup Brush Set|Foundation Brush|Beauty Sponge|"
                 "Eyelash Curler|Brush Cleaner", "Blushwork|Blendly|Lumi Tools", (6, 59),
                 ["12 Pcs|5 Pcs|Single|3 Pack", "Synthetic|Vegan|Rose Gold|Travel"],
                 "softness|shedding|blending|quality|case",
                 "ultra-soft synthetic bristles|no shedding|travel pouch included",
                 "{brand} {b} {noun}, {a}"),
            leaf("Lipstick", "Matte Lipstick|Lip Gloss|Liquid Lipstick|Lip Tint",
                 "Velvetine|Rouge Mode|Luminique", (5, 38),
                 ["Long Lasting|Hydrating|Waterproof", "Nude|Red|Berry|Pink|Coral"],
                 "color|staying power|texture|scent|packaging",
                 "transfer-proof for 12 hours|enriched with vitamin E|highly pigmented",
                 "{brand} {a} {noun}, {b}"),
            leaf("Makeup Remover", "Makeup Remover Kit|Micellar Water|Makeup Remover Wipes|"
                 "Cleansing Balm|Makeup Remover Pads", "Purely|Clearskin|Dermelle", (5, 34),
                 ["Gentle|Waterproof Makeup|Sensitive Skin|Oil-Free", "Kit|400 ml|60 Count|"
                  "Reusable 16 Pack"], "gentleness|effectiveness|scent|value|packaging",
                 "removes waterproof mascara|no rinse needed|fragrance free",
                 "{brand} {a} {noun}, {b}")),
        "Hair Care": (
            leaf("Shampoo & Conditioner", "Shampoo|Conditioner|Shampoo and Conditioner Set|"
                 "Hair Mask", "Silkora|Maneline|Purely", (7, 49),
                 ["Argan Oil|Sulfate-Free|Volumizing|Anti-Dandruff|Tea Tree", "16 oz|2 x 16 oz|"
                  "33.8 oz|8 oz"], "scent|lather|softness|results|value",
                 "sulfate and paraben free|safe for color-treated hair|salon quality",
                 "{brand} {a} {noun}, {b}"),
            leaf("Hair Styling Tools", "Hair Dryer|Flat Iron|Curling Iron|Hot Air Brush",
                 "Silkora|Stylix|Maneline", (19, 199),
                 ["Ionic|Ceramic|Titanium|Tourmaline", "1875W|1 Inch|1.25 Inch|Dual Voltage"],
                 "heat|speed|weight|cord|results",
                 "fast heat-up in 30 seconds|multiple heat settings|auto shut-off",
                 "{brand} {a} {noun}, {b}", options="color")),
    },
    "Grocery & Gourmet Food": {
        "Beverages": (
            leaf("Coffee", "Whole Bean Coffee|Ground Coffee|Coffee Pods|Cold Brew Coffee",
                 "Roastery Lane|Mountain Peak|Bean & Co.", (7, 45),
                 ["Dark Roast|Medium Roast|Light Roast|Decaf|Espresso Roast",
                  "12 oz|2 lb|32 Count|24 Count"],
                 "flavor|aroma|freshness|strength|value",
                 "100% arabica beans|small-batch roasted|rich chocolate notes",
                 "{brand} {a} {noun}, {b}"),
            leaf("Tea", "Green Tea|Black Tea|Herbal Tea|Chai Tea|Fruit Infusion",
                 "Elmbrook|Tealeaf & Co.|Steepwell", (5, 32),
                 ["Orange Vanilla|Earl Grey|Chamomile|Peppermint|Jasmine",
                  "16-Ounce Pouch|20 Tea Bags|100 Count|Loose Leaf 4 oz"],
                 "flavor|aroma|strength|packaging|value",
                 "caffeine-free options|whole leaf tea|resealable pouch",
                 "{brand} {a} {noun}, {b}")),
        "Snacks & Sweets": (
            leaf("Chips & Crisps", "Potato Chips|Tortilla Chips|Veggie Crisps|Pita Chips",
                 "Crunchwell|Golden Acre|Snackery", (3, 29),
                 ["Sea Salt|Barbecue|Sour Cream & Onion|Jalapeño|Original",
                  "Variety Pack 30 Count|8 oz Bag|Pack of 6"],
                 "flavor|crunch|saltiness|freshness|value",
                 "kettle cooked|gluten free|no artificial flavors", "{brand} {a} {noun}, {b}"),
            leaf("Chocolate & Candy", "Dark Chocolate Bar|Milk Chocolate|Gummy Bears|"
                 "Chocolate Truffles|Caramels", "Cocoa Grove|Sweetery|Cacao Lane", (3, 39),
                 ["72% Cacao|Sea Salt Caramel|Assorted|Mint|Almond",
                  "Pack of 12|3.5 oz|1 lb Bag|Gift Box"],
                 "taste|sweetness|texture|packaging|freshness",
                 "fair trade cocoa|individually wrapped|great for gifting",
                 "{brand} {a} {noun}, {b}")),
        "Pantry Staples": (
            leaf("Meat Substitutes", "Plant-Based Burger|Vegan Jerky|Meatless Crumbles|"
                 "Soy Protein Chunks|Seitan", "Greenfield|Plantwise|Beyond Acres", (4, 199),
                 ["Original|Smoky BBQ|Teriyaki|Peppered", "12 Pack|4 oz|1 lb|Case of 24"],
                 "taste|texture|protein|saltiness|value",
                 "20g of plant protein per serving|non-GMO|high in fiber",
                 "{brand} {a} {noun}, {b}"),
            leaf("Pasta & Grains", "Spaghetti|Penne Pasta|Jasmine Rice|Quinoa|Rolled Oats",
                 "Golden Acre|Tuscan Table|Harvest Mill", (2, 35),
                 ["Organic|Whole Wheat|Gluten-Free|Tri-Color", "1 lb|Pack of 8|5 lb Bag|2 lb"],
                 "taste|texture|cooking time|packaging|value",
                 "cooks in 10 minutes|product of Italy|certified organic",
                 "{brand} {a} {noun}, {b}"),
            leaf("Sauces & Spices", "Pasta Sauce|Hot Sauce|Spice Set|Olive Oil|Taco Seasoning",
                 "Tuscan Table|Fuego|Spicehouse", (3, 49),
                 ["Marinara|Extra Virgin|Habanero|Garlic Herb|Smoked Paprika",
                  "24 oz|Set of 12|16.9 fl oz|5 oz"],
                 "flavor|heat|freshness|packaging|value",
                 "no added sugar|small batch|cold pressed", "{brand} {a} {noun}, {b}")),
    },
    "Clothing, Shoes & Jewelry": {
        "Women": (
            leaf("Tops & Tees", "Tank Top|T-Shirt|Racer Tank|Blouse|Long Sleeve Top",
                 "Circe|Antonia|Zoe & Co.|Chloris|Harbor Bay", (12, 59),
                 ["Relaxed Fit|Slim Fit|Cropped|V-Neck|Crew Neck",
                  "Cotton|Moisture-Wicking|Linen Blend"],
                 "fit|fabric|style|color|sizing",
                 "breathable cotton blend|tag-free collar|machine washable",
                 "{brand} {a} {noun}", "apparel"),
            leaf("Pants & Capris", "Capri|Yoga Pants|Jeans|Leggings|Joggers",
                 "Aeno|Cronus|Circe|Zoe & Co.", (19, 89),
                 ["High-Waisted|Straight Leg|Skinny|Wide Leg|Cropped", "Stretch|Cotton|Denim"],
                 "fit|fabric|length|pockets|sizing",
                 "four-way stretch|hidden waistband pocket|squat-proof fabric",
                 "{brand} {a} {noun}", "pants"),
            leaf("Hoodies & Sweatshirts", "Hoodie|Sweatshirt|Zip Hoodie|Fleece Pullover",
                 "Frankie|Circe|Harbor Bay", (24, 89),
                 ["Oversized|Cropped|Classic|Ice Fleece|Quarter-Zip", "Cotton|Fleece"],
                 "warmth|fit|fabric|style|sizing",
                 "brushed fleece interior|kangaroo pocket|ribbed cuffs",
                 "{brand} {a} {noun}", "apparel")),
        "Men": (
            leaf("Shirts", "Tee|Polo Shirt|Henley|Oxford Shirt|Flannel Shirt",
                 "Ryker|Harbor Bay|Kestrel Outfitters", (14, 79),
                 ["Crew Neck|Button-Down|Slim Fit|Classic Fit", "Cotton|Performance|Linen"],
                 "fit|fabric|color|stitching|sizing",
                 "pre-shrunk cotton|wrinkle resistant|reinforced seams",
                 "{brand} {noun} {a}", "apparel"),
            leaf("Shoes", "Running Shoes|Sneakers|Walking Shoes|Loafers|Hiking Boots",
                 "Stridewell|Trailhawk|Kestrel Outfitters|Urbanstep", (35, 189),
                 ["Lightweight|Waterproof|Slip-On|Breathable|Cushioned", "Mesh|Leather|Suede"],
                 "comfort|fit|support|durability|style",
                 "cushioned midsole|non-slip rubber outsole|breathable mesh upper",
                 "{brand} Men's {a} {noun}", "shoes"),
            leaf("Jackets", "Rain Jacket|Puffer Jacket|Softshell Jacket|Denim Jacket|Fleece "
                 "Jacket", "Trailhawk|Kestrel Outfitters|Northcrest", (39, 249),
                 ["Waterproof|Insulated|Packable|Windproof", "Hooded|Lightweight|Sherpa Lined"],
                 "warmth|waterproofing|fit|zippers|pockets",
                 "sealed seams keep the rain out|packs into its own pocket|adjustable hood",
                 "{brand} Men's {a} {noun}", "apparel")),
        "Sport Specific Clothing": (
            leaf("Competitive Swimwear", "Swimsuit|Jammer|Racerback One Piece|Swim Brief",
                 "Aquaforce|Speedline|Lapline", (19, 129),
                 ["Chlorine Resistant|Racing|Training|Kneeskin", "Polyester|Powerskin"],
                 "fit|fabric|durability|compression|sizing",
                 "chlorine-resistant fabric|low-drag seams|UPF 50+",
                 "{brand} {a} {noun}", "apparel"),
            leaf("Yoga", "Yoga Mat|Yoga Block|Yoga Strap|Yoga Bra|Yoga Shorts",
                 "Zenfit|Lotus Lane|Cronus", (9, 89),
                 ["Non-Slip|Extra Thick|Eco-Friendly|Cork", "6mm|Set of 2|8 ft|Lightweight"],
                 "grip|thickness|smell|durability|size",
                 "non-slip texture on both sides|carrying strap included|latex free",
                 "{brand} {a} {noun}, {b}", "color")),
    },
    "Health & Household": {
        "Oral Care": (
            leaf("Mouth Guards", "Mouth Guard for Grinding Teeth|Night Guard|Sports Mouth Guard"
                 "|Dental Guard", "DentaCare|Smilesafe|Bruxa", (9, 49),
                 ["Moldable|Custom Fit|BPA Free|Slim", "4 Pack|2 Pack|with Case|Single",
                  "for Jaw Bruxism|for Clenching|for Sleep|for Sports"],
                 "fit|comfort|thickness|durability|case",
                 "relieves jaw pain from bruxism and clenching|boil-and-bite custom fit|"
                 "BPA free and FDA approved material|storage case included",
                 "{brand} {a} {noun} {c}, {b}"),
            leaf("Toothbrushes", "Electric Toothbrush|Toothbrush Heads|Water Flosser|"
                 "Bamboo Toothbrush", "DentaCare|Brightsmile|Oralis", (4, 129),
                 ["Sonic|Rechargeable|Soft Bristle|Cordless", "4 Modes|8 Pack|2 Minute Timer"],
                 "cleaning|battery|noise|bristles|value",
                 "2-minute smart timer|soft bristles gentle on gums|USB charging",
                 "{brand} {a} {noun}, {b}", "color")),
        "Vitamins & Supplements": (
            leaf("Multivitamins", "Multivitamin|Vitamin D3|Vitamin C Gummies|Omega-3 Fish Oil|"
                 "Magnesium", "Vitalis|Natura Labs|Puravita", (7, 49),
                 ["Women's|Men's|Adult|Kids", "120 Count|60 Gummies|90 Softgels|365 Tablets"],
                 "taste|results|pill size|value|packaging",
                 "third-party tested|non-GMO and gluten free|one a day",
                 "{brand} {a} {noun}, {b}"),
            leaf("Protein Powders", "Whey Protein|Plant Protein|Protein Bars|Collagen Peptides",
                 "Musclecore|Vitalis|Plantwise", (14, 89),
                 ["Chocolate|Vanilla|Unflavored|Cookies & Cream", "2 lb|5 lb|12 Count|30 Servings"],
                 "taste|mixability|protein|value|texture",
                 "25g of protein per serving|mixes without clumps|no added sugar",
                 "{brand} {noun} {a}, {b}")),
    },
}

# Review sentences: {aspect} is one of the leaf's aspects.
PRAISE = ("The {aspect} is excellent.", "Really impressed with the {aspect}.",
          "The {aspect} exceeded my expectations.", "Great {aspect} for the price.",
          "I love the {aspect}.", "No complaints about the {aspect} at all.")
CRITICISM = ("The {aspect} is disappointing.", "I had problems with the {aspect}.",
             "Not happy with the {aspect}.", "The {aspect} could be much better.",
             "Poor {aspect}, honestly.", "The {aspect} was worse than described.")
NEUTRAL = ("The {aspect} is okay.", "The {aspect} is about what you'd expect.",
           "Decent {aspect}, nothing special.")
OPENERS = {
    5: ("Absolutely love it!", "Best purchase this year.", "Highly recommend.",
        "Exactly what I needed."),
    4: ("Very good overall.", "Happy with this purchase.", "Solid choice."),
    3: ("It's fine.", "Mixed feelings.", "Average product."),
    2: ("Not great.", "Somewhat disappointed.", "Expected more."),
    1: ("Terrible.", "Do not buy.", "Waste of money."),
}
CLOSERS = {
    5: ("Would buy again.", "Fast shipping too.", "My second one already."),
    4: ("Would recommend.", "Good value.", ""),
    3: ("Might work for some people.", "Okay for the price.", ""),
    2: ("Thinking about returning it.", "Not sure I'd buy again.", ""),
    1: ("Returned it.", "It broke after a week.", "Would not buy again."),
}
TITLES = {
    5: ("Perfect!", "Love it", "Five stars", "Exceeded expectations", "Great quality"),
    4: ("Very good", "Nice product", "Good value", "Works well"),
    3: ("Okay", "Does the job", "Average", "Mixed feelings"),
    2: ("Disappointed", "Not as described", "Meh"),
    1: ("Waste of money", "Broke quickly", "Terrible quality", "Do not buy"),
}


# ------------------------------------------------------------------------------ helpers

def slugify(text: str) -> str:
    """Magento-like URL keys: lower case, runs of other characters become one dash."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def hash_password(password: str, salt: str) -> str:
    """``pbkdf2_sha256$iterations$salt$hex``; few iterations, the store only runs locally."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000).hex()
    return f"pbkdf2_sha256$1000${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    mine = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(mine.hex(), digest)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression requiring every word of ``text`` (prefix match on the last,
    as shoppers type), or ``None`` for no words. Words are quoted, so no syntax leaks."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection as the shop uses it: rows by name, foreign keys on, waits on locks."""
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


# ---------------------------------------------------------------------------- generator

class _Generator:
    """Fills an empty database; one method per table group, called in a fixed order."""

    def __init__(self, conn: sqlite3.Connection, seed: int) -> None:
        self.conn = conn
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.leaves: list[tuple[int, Leaf]] = []       # (category id, leaf)
        self.products: list[sqlite3.Row] = []

    def run(self) -> None:
        self.config()
        self.categories()
        self.catalog()
        self.customers()
        self.reviews()
        self.orders()
        self.wishlists()
        self.search_terms()
        self.admin()

    def config(self) -> None:
        self.conn.executemany("INSERT INTO store_config VALUES (?, ?)", STORE.items())

    def categories(self) -> None:
        next_id = 1
        for top_pos, (top, subs) in enumerate(TAXONOMY.items()):
            top_id, next_id = next_id, next_id + 1
            self._category(top_id, None, top, slugify(top), 1, top_pos)
            for sub_pos, (sub, leaves) in enumerate(subs.items()):
                sub_id, next_id = next_id, next_id + 1
                sub_path = f"{slugify(top)}/{slugify(sub)}"
                self._category(sub_id, top_id, sub, sub_path, 2, sub_pos)
                for leaf_pos, spec in enumerate(leaves):
                    leaf_id, next_id = next_id, next_id + 1
                    self._category(leaf_id, sub_id, spec.name,
                                   f"{sub_path}/{slugify(spec.name)}", 3, leaf_pos)
                    self.leaves.append((leaf_id, spec))

    def _category(self, cid: int, parent: int | None, name: str, path: str, level: int,
                  position: int) -> None:
        self.conn.execute("INSERT INTO categories VALUES (?, ?, ?, ?, ?, ?)",
                          (cid, parent, name, path, level, position))

    # -- products

    def catalog(self) -> None:
        names: set[str] = set()
        skus: set[str] = set()
        product_id = 0
        for leaf_index, (category_id, spec) in enumerate(self.leaves):
            hue = (leaf_index * 37) % 360
            for _ in range(self.rng.randint(11, 15)):
                name, noun = self._unique_name(spec, names)
                product_id += 1
                self._product(product_id, category_id, spec, name, noun, hue, skus)
        self.products = self.conn.execute(
            "SELECT p.*, c.name AS leaf FROM products p JOIN categories c "
            "ON c.id = p.category_id ORDER BY p.id").fetchall()

    def _unique_name(self, spec: Leaf, taken: set[str]) -> tuple[str, str]:
        """A new product name for the leaf, and the noun it was made with."""
        for _ in range(50):
            picks = [self.rng.choice(values) for values in spec.specs]
            fields = dict(zip("abc", [*picks, "", "", ""], strict=False))
            noun = self.rng.choice(spec.nouns)
            name = spec.pattern.format(brand=self.rng.choice(spec.brands), noun=noun, **fields)
            name = re.sub(r"\s+", " ", name).strip(" ,-")
            if name not in taken:
                taken.add(name)
                return name, noun
        raise RuntimeError(f"cannot name more products in {spec.name}")

    def _product(self, pid: int, category_id: int, spec: Leaf, name: str, noun: str,
                 hue: int, skus: set[str]) -> None:
        rng = self.rng
        low, high = spec.price
        price = math.exp(rng.uniform(math.log(low), math.log(high)))
        price = round(max(1.0, round(price) - rng.choice((0.01, 0.01, 0.05, 0.51))), 2)
        special = round(price * rng.uniform(0.7, 0.9), 2) if rng.random() < 0.08 else None
        qty = 0 if rng.random() < 0.05 else rng.randint(3, 500)
        status = 2 if rng.random() < 0.01 else 1
        sku = self._sku(skus)
        features = rng.sample(spec.features, k=min(3, len(spec.features)))
        description = "\n".join([
            f"{name}.",
            f"Designed by {_brand(name, spec)} for everyday use, this "
            f"{noun.lower()} {rng.choice(_BLURBS)}.",
            *[f"- {feature[0].upper()}{feature[1:]}" for feature in features],
        ])
        colour = f"hsl({(hue + rng.randint(-12, 12)) % 360}, 45%, {rng.randint(72, 86)}%)"
        created = HISTORY_START - dt.timedelta(days=rng.randint(30, 900))
        self.conn.execute(
            "INSERT INTO products (id, sku, name, url_key, brand, category_id, price, "
            "special_price, qty, is_in_stock, status, description, weight, image_color, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pid, sku, name, slugify(name), _brand(name, spec),
             category_id, price, special, qty, int(qty > 0), status, description,
             round(rng.uniform(0.1, 40.0), 1), colour, created.isoformat() + " 00:00:00"))
        self._options(pid, spec.options)

    def _sku(self, taken: set[str]) -> str:
        while True:
            sku = "B0" + "".join(self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
                                 for _ in range(8))
            if sku not in taken:
                taken.add(sku)
                return sku

    def _options(self, pid: int, kind: str) -> None:
        rng = self.rng
        rows: list[tuple[str, str]] = []
        if kind in ("apparel", "pants", "shoes"):
            sizes = {"apparel": APPAREL_SIZES, "pants": PANT_SIZES, "shoes": SHOE_SIZES}[kind]
            start = rng.randint(0, max(0, len(sizes) - 4))
            rows += [("Size", size) for size in sizes[start:start + rng.randint(3, 5)]]
        if kind:
            rows += [("Color", c) for c in rng.sample(COLOURS, k=rng.randint(2, 4))]
        self.conn.executemany(
            "INSERT INTO product_options (product_id, attribute, value, position) "
            "VALUES (?, ?, ?, ?)", [(pid, a, v, i) for i, (a, v) in enumerate(rows)])

    # -- people

    def customers(self) -> None:
        fake, rng = self.fake, self.rng
        people = [("Emma", "Lopez", CUSTOMER_LOGIN["username"])]
        emails = {people[0][2]}
        while len(people) < 80:
            first, last = fake.first_name(), fake.last_name()
            email = f"{first}.{last}{rng.choice(['', '', str(rng.randint(1, 99))])}@" \
                    f"{rng.choice(['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com'])}"
            if email.lower() not in emails:
                emails.add(email.lower())
                people.append((first, last, email.lower()))
        for cid, (first, last, email) in enumerate(people, start=1):
            created = HISTORY_START - dt.timedelta(days=rng.randint(1, 700))
            salt = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
            self.conn.execute(
                "INSERT INTO customers (id, firstname, lastname, email, password_hash, gender, "
                "dob, newsletter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cid, first, last, email, hash_password(CUSTOMER_LOGIN["password"], salt),
                 rng.choice(["Female", "Male", "Not Specified"]),
                 fake.date_of_birth(minimum_age=19, maximum_age=75).isoformat(),
                 int(rng.random() < 0.3), stamp(dt.datetime.combine(created, dt.time(10)))))
            addresses = [self._address(cid, first, last) for _ in range(rng.choice([1, 1, 2]))]
            billing = addresses[-1] if len(addresses) > 1 and rng.random() < 0.3 else addresses[0]
            self.conn.execute("UPDATE customers SET default_billing = ?, default_shipping = ? "
                              "WHERE id = ?", (billing, addresses[0], cid))

    def _address(self, cid: int, first: str, last: str) -> int:
        fake = self.fake
        phone = f"{self.rng.randint(201, 989)}555{self.rng.randint(1000, 9999)}"
        cur = self.conn.execute(
            "INSERT INTO addresses (customer_id, firstname, lastname, street, city, region, "
            "postcode, country, telephone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (cid, first, last, fake.street_address(), fake.city(), fake.state(),
             fake.postcode(), "United States", phone))
        return int(cur.lastrowid or 0)

    # -- reviews

    def reviews(self) -> None:
        rng, fake = self.rng, self.fake
        customers = self.conn.execute("SELECT id, firstname FROM customers ORDER BY id").fetchall()
        span = (TODAY - HISTORY_START).days
        rows = []
        for product in self.products:
            spec = self._leaf_of(product["category_id"])
            quality = rng.uniform(2.3, 4.9)
            for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5, 6, 8])):
                rating = min(5, max(1, round(rng.gauss(quality, 1.0))))
                author = rng.choice(customers) if rng.random() < 0.2 else None
                nickname = author["firstname"] if author else fake.first_name()
                when = HISTORY_START + dt.timedelta(days=rng.randint(0, span - 1))
                roll = rng.random()
                status = "Pending" if roll < 0.06 else "Not Approved" if roll < 0.08 else \
                    "Approved"
                rows.append((product["id"], author["id"] if author else None, nickname,
                             rng.choice(TITLES[rating]), self._review_text(spec, rating),
                             rating, status,
                             stamp(dt.datetime.combine(when, dt.time(rng.randint(7, 22),
                                                                     rng.randint(0, 59))))))
        rows.sort(key=lambda r: r[-1])          # ids follow dates, as on a live site
        self.conn.executemany(
            "INSERT INTO reviews (product_id, customer_id, nickname, title, detail, rating, "
            "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _review_text(self, spec: Leaf, rating: int) -> str:
        rng = self.rng
        aspects = rng.sample(spec.aspects, k=2)
        good = rng.choice(PRAISE).format(aspect=aspects[0])
        bad = rng.choice(CRITICISM).format(aspect=aspects[1])
        meh = rng.choice(NEUTRAL).format(aspect=aspects[rating == 4])
        body = {5: [good, rng.choice(PRAISE).format(aspect=aspects[1])], 4: [good, meh],
                3: [good, bad], 2: [meh, bad], 1: [bad, rng.choice(CRITICISM).format(
                    aspect=aspects[0])]}[rating]
        parts = [rng.choice(OPENERS[rating]), *body, rng.choice(CLOSERS[rating])]
        return " ".join(p[0].upper() + p[1:] for p in parts if p)

    def _leaf_of(self, category_id: int) -> Leaf:
        return next(spec for cid, spec in self.leaves if cid == category_id)

    # -- orders

    def orders(self) -> None:
        rng = self.rng
        customers = self.conn.execute("SELECT * FROM customers ORDER BY id").fetchall()
        # A few loyal customers buy often; Emma (id 1) is the WebArena-style main account.
        weights = [40.0] + [rng.choice([1.0, 2.0, 4.0, 8.0]) for _ in customers[1:]]
        span = (TODAY - HISTORY_START).days
        placed = []
        for _ in range(360):
            customer = rng.choices(customers, weights)[0]
            # Sales grow over time: later days are more likely.
            day = HISTORY_START + dt.timedelta(days=int(span * rng.random() ** 0.8))
            when = dt.datetime.combine(day, dt.time(rng.randint(6, 23), rng.randint(0, 59),
                                                    rng.randint(0, 59)))
            placed.append((when, customer))
        placed.sort(key=lambda pair: (pair[0], pair[1]["id"]))
        enabled = [p for p in self.products if p["status"] == 1]
        # The main account always has an open order, as WebArena's shopping tasks assume.
        emma_last = max(i for i, (_, c) in enumerate(placed, start=1) if c["id"] == 1)
        for order_id, (when, customer) in enumerate(placed, start=1):
            status = "pending" if order_id == emma_last else self._status(when)
            self._order(order_id, when, customer, enabled, status)

    def _order(self, order_id: int, when: dt.datetime, customer: sqlite3.Row,
               products: list[sqlite3.Row], status: str) -> None:
        rng = self.rng
        items = []
        for product in rng.sample(products, k=rng.choice([1, 1, 2, 2, 3, 4])):
            options = self._pick_options(product["id"])
            qty = rng.choice([1, 1, 1, 2, 3])
            price = product["special_price"] or product["price"]
            items.append((product, options, qty, price))
        subtotal = round(sum(qty * price for _, _, qty, price in items), 2)
        total_qty = sum(qty for _, _, qty, _ in items)
        method = "freeshipping" if subtotal >= FREE_SHIPPING_FROM else "flatrate"
        shipping = 0.0 if method == "freeshipping" else FLAT_RATE * total_qty
        self.conn.execute(
            "INSERT INTO orders (id, increment_id, customer_id, customer_firstname, "
            "customer_lastname, customer_email, status, created_at, subtotal, shipping_amount, "
            "grand_total, total_qty, shipping_method, payment_method) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (order_id, f"{order_id:09d}", customer["id"], customer["firstname"],
             customer["lastname"], customer["email"], status, stamp(when), subtotal, shipping,
             round(subtotal + shipping, 2), total_qty, SHIPPING_METHODS[method],
             PAYMENT_METHOD))
        for kind, column in (("shipping", "default_shipping"), ("billing", "default_billing")):
            self.conn.execute(
                "INSERT INTO order_addresses (order_id, type, firstname, lastname, company, "
                "street, city, region, postcode, country, telephone) SELECT ?, ?, firstname, "
                "lastname, company, street, city, region, postcode, country, telephone "
                "FROM addresses WHERE id = ?", (order_id, kind, customer[column]))
        self.conn.executemany(
            "INSERT INTO order_items (order_id, product_id, sku, name, options, price, qty, "
            "row_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(order_id, p["id"], p["sku"], p["name"], json.dumps(o), price, qty,
              round(price * qty, 2)) for p, o, qty, price in items])
        self._history(order_id, when, status)

    def _pick_options(self, product_id: int) -> list[list[str]]:
        rows = self.conn.execute("SELECT attribute, value FROM product_options WHERE "
                                 "product_id = ? ORDER BY position", (product_id,)).fetchall()
        chosen: dict[str, list[str]] = {}
        for row in rows:
            chosen.setdefault(row["attribute"], []).append(row["value"])
        return [[attr, self.rng.choice(values)] for attr, values in chosen.items()]

    def _status(self, when: dt.datetime) -> str:
        """Recent orders are still open; a few old ones were never paid or shipped."""
        age = (TODAY - when.date()).days
        weights = ({"pending": 45, "processing": 35, "canceled": 12, "holded": 8} if age <= 14
                   else {"complete": 60, "processing": 25, "canceled": 10, "pending": 5}
                   if age <= 60 else
                   {"complete": 82, "canceled": 12, "pending": 4, "processing": 2})
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _history(self, order_id: int, when: dt.datetime, status: str) -> None:
        rng = self.rng
        steps = [("pending", "Order placed.", when)]
        later = when + dt.timedelta(hours=rng.randint(2, 30))
        if status in ("processing", "complete"):
            steps.append(("processing", "Invoice created: payment received.", later))
        if status == "complete":
            shipped = later + dt.timedelta(days=rng.randint(1, 4))
            carrier = rng.choice(["UPS", "FedEx", "USPS", "DHL"])
            number = "".join(rng.choice("0123456789") for _ in range(12))
            steps.append(("complete", f"Tracking number {number} for {carrier} assigned. "
                          "Order shipped.", shipped))
        if status == "canceled":
            steps.append(("canceled", rng.choice(["Canceled at the customer's request.",
                                                  "Payment not received in time."]), later))
        if status == "holded":
            steps.append(("holded", "Order put on hold: address verification needed.", later))
        self.conn.executemany(
            "INSERT INTO order_history (order_id, status, comment, is_customer_notified, "
            "created_at) VALUES (?, ?, ?, 1, ?)",
            [(order_id, s, comment, stamp(min(t, _last_moment()))) for s, comment, t in steps])

    # -- the rest

    def wishlists(self) -> None:
        rng = self.rng
        enabled = [p["id"] for p in self.products if p["status"] == 1]
        rows = []
        for cid in range(1, 81):
            if cid != 1 and rng.random() > 0.4:
                continue
            for pid in rng.sample(enabled, k=4 if cid == 1 else rng.randint(1, 6)):
                day = TODAY - dt.timedelta(days=rng.randint(1, 600))
                rows.append((cid, pid, stamp(dt.datetime.combine(day, dt.time(12)))))
        self.conn.executemany("INSERT INTO wishlist_items (customer_id, product_id, added_at) "
                              "VALUES (?, ?, ?)", rows)

    def search_terms(self) -> None:
        rng = self.rng
        candidates: list[str] = []
        for _, spec in self.leaves:
            candidates += [spec.name.lower(), rng.choice(spec.nouns).lower(),
                           rng.choice(spec.brands).lower()]
        candidates += ["switch accessories", "xbox controller", "white desk", "mouth guard",
                       "body butter", "chairs", "taper candles", "phone case", "yoga mat"]
        unique = list(dict.fromkeys(candidates))
        chosen = rng.sample(unique, k=80)
        rows = []
        for rank, query in enumerate(chosen, start=1):
            match = fts_query(query)
            hits = self.conn.execute(
                "SELECT COUNT(*) FROM product_search JOIN products p ON p.id = "
                "product_search.rowid WHERE product_search MATCH ? AND p.status = 1",
                (match,)).fetchone()[0]
            popularity = max(1, int(300 / rank ** 0.9) + rng.randint(0, 5))
            day = TODAY - dt.timedelta(days=rng.randint(1, 365))
            rows.append((query, hits, popularity, stamp(dt.datetime.combine(day, dt.time(9)))))
        self.conn.executemany("INSERT INTO search_terms (query_text, num_results, popularity, "
                              "updated_at) VALUES (?, ?, ?, ?)", rows)

    def admin(self) -> None:
        self.conn.execute(
            "INSERT INTO admin_users (username, password_hash, firstname, lastname, email) "
            "VALUES (?, ?, ?, ?, ?)",
            (ADMIN_LOGIN["username"], hash_password(ADMIN_LOGIN["password"], "adminsalt"),
             "Store", "Admin", "admin@onestopmarket.com"))


_BLURBS = ("combines thoughtful design with dependable quality",
           "is built to last and easy to love", "brings great value to your home",
           "is a customer favourite for good reason",
           "balances performance and price")


def _brand(name: str, spec: Leaf) -> str:
    """The brand a generated name starts with (some brands are several words)."""
    return next((b for b in spec.brands if b in name), spec.brands[0])


def _last_moment() -> dt.datetime:
    """Seeded history ends before the store's 'today', so new activity always sorts last."""
    return dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(23, 59, 59))


def build(path: str | Path, seed: int = 0) -> None:
    """Create the shop's database at ``path`` (which must not exist yet) from ``seed``."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        conn.executescript(SCHEMA.read_text())
        with conn:
            _Generator(conn, seed).run()
        conn.execute("VACUUM")
    finally:
        conn.close()
