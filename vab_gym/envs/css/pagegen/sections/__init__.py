"""The content sections a page kind is made of (``pagegen.yaml``'s ``kinds``): each builder
writes its markup and registers the CSS rules it uses, so every rule styles an element that
exists. A module a group: ``marketing`` (features, logos, testimonials, pricing, FAQ...),
``content`` (article, news, briefs, docs, menu, gallery), ``dashboards`` (stats, insights,
orders) and ``people`` (schedule, team, timeline).
"""

from vab_gym.envs.css.pagegen.sections.content import (
    build_article,
    build_briefs,
    build_docs,
    build_gallery,
    build_info_band,
    build_menu,
    build_news,
)
from vab_gym.envs.css.pagegen.sections.dashboards import build_insights, build_orders, build_stats
from vab_gym.envs.css.pagegen.sections.marketing import (
    build_compare,
    build_cta,
    build_faq,
    build_features,
    build_logos,
    build_newsletter,
    build_pricing,
    build_stats_band,
    build_testimonials,
)
from vab_gym.envs.css.pagegen.sections.people import build_schedule, build_team, build_timeline

__all__ = [
    "build_article",
    "build_briefs",
    "build_compare",
    "build_cta",
    "build_docs",
    "build_faq",
    "build_features",
    "build_gallery",
    "build_info_band",
    "build_insights",
    "build_logos",
    "build_menu",
    "build_news",
    "build_newsletter",
    "build_orders",
    "build_pricing",
    "build_schedule",
    "build_stats",
    "build_stats_band",
    "build_team",
    "build_testimonials",
    "build_timeline",
]
