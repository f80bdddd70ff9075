"""The on-disk shape of a landscape: landscape2's data, settings and guide files, as written.

These types mirror cncf/landscape2's file formats (both data styles) plus torchscape's additions,
which live only where landscape2 accepts them (`license`, `extra.annotations`, and a `torchscape:`
section in settings). They describe what a file may hold; `model.py` holds what the rest of
torchscape works with, converted once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def _parse_date(value: Any) -> Any:
    """Dates are `YYYY-MM-DD` text, as landscape2 reads them; anything else is an error."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a real date") from exc
    raise ValueError("must be a date written as YYYY-MM-DD")


Date = Annotated[dt.date, BeforeValidator(_parse_date)]


class _Raw(BaseModel):
    """Base of every on-disk type: immutable; unknown keys are found and reported separately."""

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        str_strip_whitespace=False,
        json_schema_extra={"additionalProperties": False},
    )


class RawLink(_Raw):
    """An entry of `extra.other_links`."""

    name: str
    url: str


class RawRepository(_Raw):
    """An entry of `additional_repos`."""

    repo_url: str
    branch: str | None = None
    license: str | None = None


class RawAudit(_Raw):
    """An entry of `extra.audits`."""

    date: Date
    type: str
    url: str
    vendor: str


class RawExtra(_Raw):
    """An item's `extra` block: every field of landscape2's reference."""

    accepted: Date | None = None
    annotations: dict[str, str] | None = Field(
        default=None,
        description="Free string values. torchscape reads: pypi, kind, slug, framework.",
        json_schema_extra={"additionalProperties": {"type": "string"}},
    )
    archived: Date | None = None
    audits: list[RawAudit] | None = None
    annual_review_date: Date | None = None
    annual_review_url: str | None = None
    artwork_url: str | None = None
    blog_url: str | None = None
    bluesky_url: str | None = None
    chat_channel: str | None = None
    clomonitor_name: str | None = None
    dev_stats_url: str | None = None
    discord_url: str | None = None
    docker_url: str | None = None
    documentation_url: str | None = None
    facebook_url: str | None = None
    github_discussions_url: str | None = None
    gitter_url: str | None = None
    graduated: Date | None = None
    incubating: Date | None = None
    lfx_slug: str | None = None
    linkedin_url: str | None = None
    mailing_list_url: str | None = None
    other_links: list[RawLink] | None = None
    package_manager_url: str | None = None
    parent_project: str | None = None
    pinterest_url: str | None = None
    reddit_url: str | None = None
    slack_url: str | None = None
    specification: bool | None = None
    stack_overflow_url: str | None = None
    summary_business_use_case: str | None = None
    summary_integration: str | None = None
    summary_integrations: str | None = None
    summary_intro_url: str | None = None
    summary_personas: str | None = None
    summary_release_rate: str | None = None
    summary_tags: str | None = None
    summary_use_case: str | None = None
    tag: list[str] | str | None = None
    training_certifications: str | None = None
    training_type: str | None = None
    youtube_url: str | None = None


class RawItem(_Raw):
    """One item of a subcategory (a project, product or member)."""

    name: str
    homepage_url: str
    logo: str
    additional_repos: list[RawRepository] | None = None
    allow_duplicate_repo: bool | None = Field(
        default=None,
        description="landscapeapp's (CNCF's data still uses it): this item shares its repository with "
        "another on purpose; `audit` does not report it as a duplicate.",
    )
    branch: str | None = None
    crunchbase: str | None = None
    description: str | None = None
    enduser: bool | None = None
    extra: RawExtra | None = None
    joined: Date | None = None
    license: str | None = Field(default=None, description="SPDX licence (torchscape addition).")
    project: str | None = Field(default=None, description="Curation status, free text.")
    repo_url: str | None = None
    second_path: list[str] | None = None
    twitter: str | None = None
    unnamed_organization: bool | None = None
    url_for_bestpractices: str | None = None


class RawSubcategory(_Raw):
    """A subcategory and its items (`items:` may be empty or null)."""

    name: str
    items: list[RawItem] | None = None


class RawCategory(_Raw):
    """A category and its subcategories."""

    name: str
    subcategories: list[RawSubcategory] | None = None


#: Keys that the legacy style writes with a null value beside the real fields (`- item:`).
LEGACY_MARKERS = {RawCategory: "category", RawSubcategory: "subcategory", RawItem: "item"}


# --- settings.yml --------------------------------------------------------------------------


class StatusSetting(_Raw):
    """How one curation status (`project:` value) is shown."""

    label: str
    retired: bool = False
    description: str | None = None


class ActivitySetting(_Raw):
    """When a project counts as active, slowing or dormant (days since its last commit or release)."""

    active_days: int = 90
    dormant_days: int = 365


class ComparisonSetting(_Raw):
    """A comparison the site pre-renders: 2 to 4 item ids side by side."""

    name: str = Field(description="The comparison's title, e.g. 'Training loops'.")
    items: list[str] = Field(description="2 to 4 item ids (the ids of their pages).")
    description: str | None = Field(default=None, description="One sentence shown above the table.")


class ItemWords(_Raw):
    """What the pages call the landscape's items ("25 members", "Search members")."""

    one: str = Field(default="project", description="One item: 'project', 'member', 'product' ...")
    many: str = Field(default="projects", description="Several: 'projects', 'members' ...")


class TorchscapeSettings(_Raw):
    """The `torchscape:` section of settings.yml (landscape2 ignores unknown settings keys)."""

    statuses: dict[str, StatusSetting] | None = None
    activity: ActivitySetting | None = None
    comparisons: list[ComparisonSetting] | None = Field(
        default=None, description="Comparisons pre-rendered as pages (compare/<name>/)."
    )
    torch_versions: list[str] | None = Field(
        default=None,
        description="torch versions (e.g. '2.4') the compatibility page tests; default: from the data.",
    )
    item_words: ItemWords | None = Field(
        default=None,
        description="What pages call the items (default: project, projects): members, companies ...",
    )
    corrections_url: str | None = Field(
        default=None,
        description="Where visitors ask for a correction of an item's entry (an issue form, an edit "
        "page): an http(s) URL, in which {id} and {name} become the item's id and name (URL-encoded).",
    )


class SettingsCategory(_Raw):
    name: str
    subcategories: list[str]


class Colors(_Raw):
    color1: str
    color2: str
    color3: str
    color4: str
    color5: str
    color6: str
    color7: str | None = None


class FeaturedOption(_Raw):
    value: str
    label: str | None = None
    order: int | None = None


class FeaturedExclusion(_Raw):
    groups: list[str] | None = None


class FeaturedRule(_Raw):
    field: str
    options: list[FeaturedOption]
    exclude: FeaturedExclusion | None = None


class FooterLinks(_Raw):
    facebook: str | None = None
    flickr: str | None = None
    forums: str | None = None
    github: str | None = None
    homepage: str | None = None
    instagram: str | None = None
    linkedin: str | None = None
    slack: str | None = None
    twitch: str | None = None
    twitter: str | None = None
    wechat: str | None = None
    youtube: str | None = None


class Footer(_Raw):
    links: FooterLinks | None = None
    logo: str | None = None
    text: str | None = None


class HeaderLinks(_Raw):
    github: str | None = None


class Header(_Raw):
    links: HeaderLinks | None = None
    logo: str | None = None
    motd: str | None = None


class Group(_Raw):
    name: str
    categories: list[str]
    alias: str | None = None
    normalized_name: str | None = Field(
        default=None, description="landscape2's own: it sets it from `name` (a value here is not used)."
    )


class Images(_Raw):
    favicon: str | None = None
    open_graph: str | None = None


class LogosViewbox(_Raw):
    adjust: bool = True
    exclude: list[str] = []


class Osano(_Raw):
    customer_id: str
    customer_configuration_id: str


class GoogleTagManager(_Raw):
    container_id: str | None = None


class Analytics(_Raw):
    gtm: GoogleTagManager | None = None


class TagRule(_Raw):
    category: str
    subcategories: list[str] | None = None


class UpcomingEvent(_Raw):
    name: str
    start: Date
    end: Date
    banner_url: str
    details_url: str


class RawSettings(_Raw):
    """landscape2's settings.yml, plus the `torchscape:` section."""

    foundation: str
    url: str
    analytics: Analytics | None = None
    base_path: str | None = None
    categories: list[SettingsCategory] | None = None
    colors: Colors | None = None
    enduser: list[TagRule] | None = None
    featured_items: list[FeaturedRule] | None = None
    footer: Footer | None = None
    grid_items_size: str | None = None
    groups: list[Group] | None = None
    header: Header | None = None
    hide_organization_section_in_projects: bool | None = None
    images: Images | None = None
    logos_viewbox: LogosViewbox | None = None
    members_category: str | None = None
    osano: Osano | None = None
    screenshot_width: int | None = None
    tags: dict[str, list[TagRule]] | None = None
    upcoming_event: UpcomingEvent | None = None
    view_mode: str | None = None
    torchscape: TorchscapeSettings | None = None


# --- guide.yml -----------------------------------------------------------------------------


class GuideSubcategory(_Raw):
    subcategory: str
    content: str
    keywords: list[str] | None = None


class GuideCategory(_Raw):
    category: str
    content: str | None = None
    keywords: list[str] | None = None
    subcategories: list[GuideSubcategory] | None = None


class RawGuide(_Raw):
    """landscape2's guide.yml."""

    categories: list[GuideCategory] | None = None
