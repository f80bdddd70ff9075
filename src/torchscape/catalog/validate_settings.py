"""Validate settings.yml and guide.yml: landscape2's rules, plus what keeps the site safe."""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Final
from urllib.parse import urlsplit

from torchscape.catalog.checks import (
    Scope,
    check_url_field,
    describe_value,
    listing,
    shorten,
    suggest,
    validate_model,
)
from torchscape.catalog.ids import is_valid_slug
from torchscape.catalog.model import MAX_GROUPS, MAX_MARKDOWN_CHARS
from torchscape.catalog.raw import GuideSubcategory, RawGuide, RawSettings, StatusSetting
from torchscape.catalog.urls import corrections_link, scheme_of
from torchscape.catalog.yamlio import Mark, ParsedFile, YMap
from torchscape.errors import Code
from torchscape.sources.settings_images import image_files, read_image_file

#: `rgba(r, g, b, a)` / `rgb(r, g, b)` with bytes 0-255 and alpha 0-1, and nothing else around it
#: (the value ends up in CSS, so partial matches are not enough).
_BYTE = r"(?:25[0-5]|2[0-4]\d|1\d\d|\d\d?)"
_RGBA = re.compile(rf"^rgba?\(\s*{_BYTE}\s*,\s*{_BYTE}\s*,\s*{_BYTE}\s*(?:,\s*(?:0|1|0?\.\d+|1\.0+)\s*)?\)\Z")
_SIZES = ("small", "medium", "large")
_VIEW_MODES = ("grid", "card")
_TAG = re.compile(r"^[a-z-]+\Z")
_VERSION = re.compile(r"\d{1,6}\.\d{1,6}(\.\d{1,6})?")


def check_settings(
    parsed: ParsedFile, categories: dict[str, set[str]] | None, item_ids: set[str] | None = None
) -> RawSettings | None:
    """Check a parsed settings file; `categories` (name -> subcategories) and `item_ids` enable
    cross-checks."""
    scope = Scope(parsed, ())
    if not isinstance(parsed.root, YMap):
        found = "an empty file" if parsed.root is None else describe_value(parsed.root)
        scope.report((), Code.WRONG_TYPE, f"settings must be a mapping, found {found}")
        return None
    _landscapeapp_names(parsed.root, scope)
    settings = validate_model(RawSettings, parsed.root, scope)
    if settings is None:
        return None
    _landscape2_rules(settings, scope)
    _item_words(settings, scope)
    if categories is not None:
        _cross_check(settings, categories, scope)
    _comparisons(settings, item_ids, scope)
    return settings


def _landscapeapp_names(root: YMap, scope: Scope) -> None:
    """A settings file of landscapeapp (landscape2's predecessor, still used by many landscapes)
    has no `foundation` or `url`, which landscape2 requires: they are taken from its `global`
    section (`short_name`, else `name`; `website`), with a warning, and that section is then
    not reported as unknown."""
    if not is_landscapeapp(root):
        return
    section = root["global"]
    taken = []
    for key, sources in (("foundation", ("short_name", "name")), ("url", ("website",))):
        found = next((s for s in sources if isinstance(section.get(s), str) and section[s].strip()), None)
        if key not in root and found is not None:
            root[key] = section[found].strip()
            root.key_marks[key] = root.key_marks["global"]
            taken.append(f"{key} from global.{found}")
    if taken:
        del root["global"]
        if _landscapeapp_statuses(root):
            taken.append("the curation statuses' labels from relation.values")
        # Its own sections are named once here, not each as an unknown key.
        unused = [key for key in root if key not in RawSettings.model_fields]
        for key in unused:
            del root[key]
        others = f" ({listing(unused)})" if unused else ""
        message = (
            f"a landscapeapp settings file: {' and '.join(taken)}; its other sections{others} are not "
            "used (landscape2 reads this file only with foundation and url at the top level)"
        )
        scope.warn(("global",), Code.LANDSCAPEAPP_SETTINGS, message)


def _landscapeapp_statuses(root: YMap) -> bool:
    """landscapeapp labels the values of `project:` in `relation.values` (nested by `children`;
    an entry's `tag`, else its `label`): those become `torchscape.statuses` labels where the file
    gives none of its own (`archived` retired, as landscapeapp's landscapes use it); the section
    is then not reported as unknown. Whether any were taken."""
    derived = relation_statuses(root)
    if not derived:
        return False
    mark = root.key_marks["relation"]
    section = _child_map(root, "torchscape", mark)
    statuses = _child_map(section, "statuses", mark) if section is not None else None
    if statuses is None:
        return False
    for value, status in derived.items():
        if value not in statuses:
            entry = YMap(mark)
            entry["label"], entry.key_marks["label"] = status.label, mark
            if status.retired:
                entry["retired"], entry.key_marks["retired"] = True, mark
            statuses[value], statuses.key_marks[value] = entry, mark
    del root["relation"]
    return True


def relation_statuses(root: object) -> dict[str, StatusSetting]:
    """The curation statuses a landscapeapp settings file describes (`relation_labels`), with
    `archived` retired, as landscapeapp's landscapes use it."""
    return {
        value: StatusSetting(label=label, retired=value == "archived")
        for value, label in relation_labels(root).items()
    }


def relation_labels(root: object) -> dict[str, str]:
    """The labels a landscapeapp settings file gives the values of `project:`, by value: its
    `relation.values`, nested by `children`, each entry's `tag`, else its `label`."""
    relation = root.get("relation") if isinstance(root, dict) else None
    labels: dict[str, str] = {}

    def walk(entries: object) -> None:
        for entry in entries if isinstance(entries, list) else ():
            # `id: false` is landscapeapp's "none of these", not a value of `project:`
            if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"] != "false":
                label = next((entry[k] for k in ("tag", "label") if isinstance(entry.get(k), str)), "")
                if label.strip():
                    labels.setdefault(entry["id"], label.strip())
                walk(entry.get("children"))

    walk(relation.get("values") if isinstance(relation, dict) else None)
    return labels


def is_landscapeapp(root: object) -> bool:
    """Whether a settings file is landscapeapp's: a `global` section, no `foundation` and `url`."""
    return (
        isinstance(root, dict)
        and isinstance(root.get("global"), dict)
        and not ("foundation" in root and "url" in root)
    )


def _child_map(parent: YMap, key: str, mark: Mark) -> YMap | None:
    """`parent[key]`, made an empty mapping (placed at `mark`) when absent; None when it is
    something else (then validation reports it as it stands)."""
    if key not in parent or parent[key] is None:
        parent[key], parent.key_marks[key] = YMap(mark), mark
    child = parent[key]
    return child if isinstance(child, YMap) else None


def usable_item_word(word: str) -> bool:
    """A word or a few, of letters (any script), spaces, hyphens and apostrophes, up to 30."""
    return bool(_ITEM_WORD.fullmatch(word.strip()))


_ITEM_WORD: Final = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’-]){0,29}")


def _item_words(settings: RawSettings, scope: Scope) -> None:
    words = settings.torchscape.item_words if settings.torchscape else None
    if words is not None and len({"one", "many"} & words.model_fields_set) == 1:
        given = "one" if "one" in words.model_fields_set else "many"
        message = "is one of `one` and `many`: the pages say project and projects until both are given"
        scope.warn(("torchscape", "item_words", given), Code.IGNORED_VALUE, message)
        return
    for key in ("one", "many"):
        word = getattr(words, key) if words else None
        if word is not None and not usable_item_word(word):
            message = (
                f"{describe_value(word)} is not used: a word or a few (letters, spaces, hyphens, "
                "apostrophes; at most 30 characters); the pages say project and projects"
            )
            scope.warn(("torchscape", "item_words", key), Code.IGNORED_VALUE, message)


def _landscape2_rules(settings: RawSettings, scope: Scope) -> None:
    if not settings.foundation.strip():
        scope.report(("foundation",), Code.EMPTY_VALUE, "is empty; it names the foundation")
    usable = check_url_field(scope, ("url",), settings.url or " ")
    host = (urlsplit(settings.url.strip()).hostname or "") if settings.url else ""
    if host == "localhost" or host.endswith(".localhost") or _loopback(host):
        message = (
            f"'{host}' is this machine: the canonical links, sitemap, feed and badge snippets will "
            "point there; give the address the site is published at"
        )
        scope.warn(("url",), Code.LOCAL_URL, message)
    if settings.base_path is not None and not settings.base_path.startswith("/"):
        scope.report(("base_path",), Code.INVALID_VALUE, "must start with '/' (e.g. /my-landscape)")
    elif settings.base_path is not None and not _PATH.fullmatch(settings.base_path):
        message = (
            "must be a path on this site: '/' and segments of letters, digits and -._~%!$&'()*+,;=:@ "
            "('//', '\\', spaces or control characters could name another host)"
        )
        scope.report(("base_path",), Code.INVALID_VALUE, message)
    parts = urlsplit(settings.url.strip()) if settings.url else None
    if parts is not None and (parts.query or parts.fragment or settings.url.strip().endswith(("?", "#"))):
        message = (
            "has a query or a fragment ('?...', '#...'), which the address of the site's pages cannot "
            "start with: they are left out of the canonical links, sitemap, feed and snippets"
        )
        scope.warn(("url",), Code.BROKEN_URL, message)
    path = parts.path if parts is not None else ""
    if usable and _UNENCODED.search(path):  # (spaces and controls are errors there already)
        message = (
            "has characters a URL cannot hold as written (quotes, <, >, spaces, control or "
            "separator characters): percent-encode them, or the canonical links, sitemap and "
            "feed name addresses that are not URLs"
        )
        scope.warn(("url",), Code.BROKEN_URL, message)
    if "//" in path:
        message = "has '//' in its path: the site's own links would name another host"
        scope.report(("url",), Code.INVALID_VALUE, message)
    _colors(settings, scope)
    _non_empty_names(scope, settings)
    _links(settings, scope)
    if settings.grid_items_size is not None and settings.grid_items_size not in _SIZES:
        message = f"must be one of {', '.join(_SIZES)}{suggest(settings.grid_items_size, _SIZES)}"
        scope.report(("grid_items_size",), Code.INVALID_VALUE, message)
    if settings.view_mode is not None and settings.view_mode not in _VIEW_MODES:
        scope.report(("view_mode",), Code.INVALID_VALUE, "must be grid or card")
    if settings.screenshot_width is not None and settings.screenshot_width <= 1000:
        scope.report(("screenshot_width",), Code.INVALID_VALUE, "must be greater than 1000")
    for tag in settings.tags or {}:
        if not _TAG.match(tag):
            scope.report(("tags", tag), Code.INVALID_VALUE, "a TAG uses only lowercase letters and hyphens")
    if settings.upcoming_event and settings.upcoming_event.end < settings.upcoming_event.start:
        scope.report(("upcoming_event", "end"), Code.INVALID_VALUE, "is before the start date")
    activity = settings.torchscape.activity if settings.torchscape else None
    if activity and not 0 < activity.active_days < activity.dormant_days:
        message = "needs 0 < active_days < dormant_days"
        scope.report(("torchscape", "activity"), Code.INVALID_VALUE, message)
    if settings.torchscape and settings.torchscape.statuses:
        for value, status in settings.torchscape.statuses.items():
            if not status.label.strip():
                scope.report(("torchscape", "statuses", value, "label"), Code.EMPTY_VALUE, "is empty")


def _colors(settings: RawSettings, scope: Scope) -> None:
    if settings.colors is None:
        return
    for name, value in settings.colors.model_dump().items():
        if value is not None and not _RGBA.match(value.strip()):
            message = f"'{value[:40]}' is not a colour written as \"rgba(0, 107, 204, 1)\""
            scope.report(("colors", name), Code.INVALID_VALUE, message)


def _non_empty_names(scope: Scope, settings: RawSettings) -> None:
    empties: list[tuple[tuple[str | int, ...], str]] = []
    for i, category in enumerate(settings.categories or ()):
        empties.append((("categories", i, "name"), category.name))
        empties += [(("categories", i, "subcategories", j), s) for j, s in enumerate(category.subcategories)]
    for i, group in enumerate(settings.groups or ()):
        empties.append((("groups", i, "name"), group.name))
        empties += [(("groups", i, "categories", j), c) for j, c in enumerate(group.categories)]
    for i, rule in enumerate(settings.featured_items or ()):
        empties.append((("featured_items", i, "field"), rule.field))
        if not rule.options:
            scope.report(("featured_items", i, "options"), Code.EMPTY_VALUE, "needs at least one option")
        for j, option in enumerate(rule.options):
            empties.append((("featured_items", i, "options", j, "value"), option.value))
            if option.label is not None:
                empties.append((("featured_items", i, "options", j, "label"), option.label))
    for tag, rules in (settings.tags or {}).items():
        for i, tag_rule in enumerate(rules):
            empties.append((("tags", tag, i, "category"), tag_rule.category))
            if tag_rule.subcategories is not None and not tag_rule.subcategories:
                scope.report(("tags", tag, i, "subcategories"), Code.EMPTY_VALUE, "is an empty list")
    if settings.members_category is not None:
        empties.append((("members_category",), settings.members_category))
    if settings.footer and settings.footer.text is not None:
        empties.append((("footer", "text"), settings.footer.text))
    if settings.osano:
        empties.append((("osano", "customer_id"), settings.osano.customer_id))
        empties.append((("osano", "customer_configuration_id"), settings.osano.customer_configuration_id))
    for steps, value in empties:
        if not value.strip():
            scope.report(steps, Code.EMPTY_VALUE, "is empty")
    if settings.footer and settings.footer.text:
        _long_markdown(scope, ("footer", "text"), settings.footer.text)


def _links(settings: RawSettings, scope: Scope) -> None:
    if settings.footer and settings.footer.links:
        for name, url in settings.footer.links.model_dump().items():
            check_url_field(scope, ("footer", "links", name), url, name)
    if settings.header and settings.header.links:
        check_url_field(scope, ("header", "links", "github"), settings.header.links.github, "github")
    for section in ("footer", "header"):
        block = getattr(settings, section)
        logo = block.logo if block else None
        if logo and scheme_of(logo):  # a file name is fine; anything with a scheme must be http(s)
            check_url_field(scope, (section, "logo"), logo)
    if settings.images:  # as the logos: a path names a file beside the settings
        for name in ("favicon", "open_graph"):
            value = getattr(settings.images, name)
            if value and scheme_of(value):
                check_url_field(scope, ("images", name), value)
    for key, value in image_files(settings).items():
        _, why = read_image_file(scope.parsed.path.parent, value)
        if why:
            section, name = key.split(".")
            scope.warn((section, name), Code.LOGO_MISSING, f"'{value}' is left out of the site: {why}")
    if settings.upcoming_event:
        check_url_field(scope, ("upcoming_event", "banner_url"), settings.upcoming_event.banner_url)
        check_url_field(scope, ("upcoming_event", "details_url"), settings.upcoming_event.details_url)


def _cross_check(settings: RawSettings, categories: dict[str, set[str]], scope: Scope) -> None:
    """Settings that name categories the data does not have (warnings: they have no effect)."""

    def unknown(steps: tuple[str | int, ...], name: str, options: Iterable[str]) -> None:
        message = f"'{name}' is not a category of the data file{suggest(name, options)}"
        scope.warn(steps, Code.UNKNOWN_CATEGORY, message)

    for i, group in enumerate(settings.groups or ()):
        if i == MAX_GROUPS:
            message = f"more than {MAX_GROUPS} groups: this one and the rest are not shown"
            scope.warn(("groups", i), Code.IGNORED_VALUE, message)
            break
        if group.alias is not None and not is_valid_slug(group.alias):
            message = (
                f"'{shorten(group.alias)}' is not usable as the tab's anchor (letters, digits, '.', "
                "'_', '+', '-'); the group's name gives it"
            )
            scope.warn(("groups", i, "alias"), Code.IGNORED_VALUE, message)
        listed: set[str] = set()
        for j, name in enumerate(group.categories):
            if name in listed:
                scope.warn(
                    ("groups", i, "categories", j), Code.IGNORED_VALUE, f"'{name}' is in this group already"
                )
            elif name.strip() and name not in categories:
                unknown(("groups", i, "categories", j), name, categories)
            listed.add(name)
    for i, category in enumerate(settings.categories or ()):
        if category.name.strip() and category.name not in categories:
            unknown(("categories", i, "name"), category.name, categories)
            continue
        subcategories = categories.get(category.name, set())
        for j, name in enumerate(category.subcategories):
            if name.strip() and name not in subcategories:
                hint = suggest(name, sorted(subcategories))
                message = f"'{name}' is not a subcategory of '{category.name}' in the data file{hint}"
                scope.warn(("categories", i, "subcategories", j), Code.UNKNOWN_CATEGORY, message)
        left = sorted(subcategories - set(category.subcategories))
        if left and category.name.strip():
            names = ", ".join(f"'{name}'" for name in left)
            message = (
                f"leaves out {names} of the data file: the grid shows only the subcategories listed "
                "here (the items of the others keep their pages, but are on no grid)"
            )
            scope.warn(("categories", i, "subcategories"), Code.LEFT_OUT, message)
    members = settings.members_category
    if members and members.strip() and members not in categories:
        unknown(("members_category",), members, categories)
    groups = [g.name for g in settings.groups or ()]
    for i, rule in enumerate(settings.featured_items or ()):
        for j, name in enumerate((rule.exclude.groups or ()) if rule.exclude else ()):
            if name not in groups:
                message = f"'{name}' is not a group of these settings{suggest(name, groups)}"
                scope.warn(("featured_items", i, "exclude", "groups", j), Code.UNKNOWN_CATEGORY, message)


def _comparisons(settings: RawSettings, item_ids: set[str] | None, scope: Scope) -> None:
    """`torchscape.comparisons`: 2 to 4 items each, every id listed; `torch_versions` readable."""
    section = settings.torchscape
    if section is None:
        return
    known = {i.lower() for i in item_ids} if item_ids is not None else None
    for i, comparison in enumerate(section.comparisons or ()):
        steps: tuple[str | int, ...] = ("torchscape", "comparisons", i)
        if not comparison.name.strip():
            scope.report((*steps, "name"), Code.EMPTY_VALUE, "is empty")
        distinct = len({item_id.lower() for item_id in comparison.items})
        if not 2 <= distinct <= 4:
            found = f"{distinct} different" if distinct != len(comparison.items) else str(distinct)
            scope.report((*steps, "items"), Code.INVALID_VALUE, f"needs 2 to 4 item ids, found {found}")
        seen: set[str] = set()
        for j, item_id in enumerate(comparison.items):
            if item_id.lower() in seen:
                message = f"'{item_id}' is listed already in this comparison: shown once"
                scope.warn((*steps, "items", j), Code.IGNORED_VALUE, message)
                continue
            seen.add(item_id.lower())
            if known is not None and item_id.lower() not in known:
                hint = suggest(item_id, sorted(item_ids or ()))
                message = f"'{item_id}' is not an item id of the data file, so it is left out{hint}"
                scope.warn((*steps, "items", j), Code.UNKNOWN_ITEM, message)
    if section.corrections_url is not None:  # checked as an item's link is made from it
        template = section.corrections_url
        link = corrections_link(template, "an-item", "An item") if template.strip() else ""
        check_url_field(scope, ("torchscape", "corrections_url"), link)
    for i, version in enumerate(section.torch_versions or ()):
        if not _VERSION.fullmatch(version.strip()):
            message = f"'{shorten(version)}' is not a torch version such as 2.4"
            scope.report(("torchscape", "torch_versions", i), Code.INVALID_VALUE, message)


def check_guide(parsed: ParsedFile, categories: dict[str, set[str]] | None = None) -> RawGuide | None:
    """Check a parsed guide file: landscape2's rules (names and contents must not be empty);
    warnings for a chapter or section named twice (category pages show the first), and for a
    section of a category's chapter naming a subcategory that category does not have (in the
    data file's `categories`, when read). A chapter need not be a category ("Introduction")."""
    scope = Scope(parsed, ())
    if not isinstance(parsed.root, YMap):
        found = "an empty file" if parsed.root is None else describe_value(parsed.root)
        scope.report((), Code.WRONG_TYPE, f"the guide must be a mapping with 'categories:', found {found}")
        return None
    guide = validate_model(RawGuide, parsed.root, scope)
    if guide is None:
        return None
    chapters: set[str] = set()
    for i, category in enumerate(guide.categories or ()):
        where = Scope(parsed, ("categories", i), (category.category or f"category #{i + 1}",))
        _guide_texts(where, (("category",), category.category), (("content",), category.content))
        _guide_name(where, category.category, chapters, None, "chapter")
        known = None if categories is None else categories.get(category.category or "")
        if categories is not None and known is None and category.category and category.category.strip():
            _chapter_not_a_category(where, category.category, category.subcategories or (), categories)
        sections: set[str] = set()
        for k, keyword in enumerate(category.keywords or ()):
            _guide_texts(where, (("keywords", k), keyword))
        for j, sub in enumerate(category.subcategories or ()):
            inner = Scope(parsed, (*where.path, "subcategories", j), (*where.context, sub.subcategory))
            _guide_texts(inner, (("subcategory",), sub.subcategory), (("content",), sub.content))
            _guide_name(inner, sub.subcategory, sections, known, "section")
            for k, keyword in enumerate(sub.keywords or ()):
                _guide_texts(inner, (("keywords", k), keyword))
    return guide


def _chapter_not_a_category(
    scope: Scope, name: str, sections: Sequence[GuideSubcategory], categories: dict[str, set[str]]
) -> None:
    """A chapter that is no category may be an introduction; but one whose sections are some
    category's subcategories, or whose name is close to a category's, was meant to be that
    category: its text never reaches that category's page (NASA's 'Earth & Science Data
    Systems' for 'Science Data Systems')."""
    owners = Counter(
        owner for section in sections for owner, subs in categories.items() if section.subcategory in subs
    )
    if owners:
        meant = owners.most_common(1)[0][0]
        message = (
            f"'{name}' is not a category of the data file, but its sections are subcategories of "
            f"'{meant}': category pages do not show this chapter; did you mean '{meant}'?"
        )
    else:
        near = _meant_category(name, categories)
        if near is None:
            return
        message = (
            f"'{name}' is not a category of the data file: category pages do not show this chapter; "
            f"did you mean '{near}'?"
        )
    scope.warn(("category",), Code.UNKNOWN_CATEGORY, message)


def _meant_category(name: str, categories: Collection[str]) -> str | None:
    """The category a chapter's name was meant to be: one its name holds whole, word for word
    ('Earth & Science Data Systems' for 'Science Data Systems'), or a near spelling of it (a
    letter or two: 'Trainig'); not a word that merely ends alike ('Introduction', 'Production')."""
    words = name.casefold().split()
    for category in categories:
        theirs = category.casefold().split()
        size = len(theirs)
        if size and any(words[i : i + size] == theirs for i in range(len(words) - size + 1)):
            return category
    close = difflib.get_close_matches(name, list(categories), n=1, cutoff=0.85)
    return close[0] if close else None


def _guide_name(
    scope: Scope, name: str | None, seen: set[str], known: Collection[str] | None, what: str
) -> None:
    """Warn about a guide chapter (or section) named twice, or a section not in `known`."""
    if not name or not name.strip():
        return
    steps = ("category",) if what == "chapter" else ("subcategory",)
    if name in seen:
        message = f"'{name}' has a {what} earlier in the guide; this one is only on the guide page, after it"
        scope.warn(steps, Code.DUPLICATE_SECTION, message)
        return
    seen.add(name)
    if known is not None and name not in known:
        message = (
            f"'{name}' is not a subcategory of this category in the data file: its section lists no items"
        )
        scope.warn(steps, Code.UNKNOWN_CATEGORY, message + suggest(name, known))


def _guide_texts(scope: Scope, *fields: tuple[tuple[str | int, ...], str | None]) -> None:
    for steps, value in fields:
        if value is not None and not value.strip():
            scope.report(steps, Code.EMPTY_VALUE, "is empty")
        elif value is not None:
            _long_markdown(scope, steps, value)


def _long_markdown(scope: Scope, steps: tuple[str | int, ...], value: str) -> None:
    """Warn of markdown too long to be rendered (`MAX_MARKDOWN_CHARS`)."""
    if len(value) > MAX_MARKDOWN_CHARS:
        message = (
            f"is {len(value):,} characters long, over {MAX_MARKDOWN_CHARS:,}: it is shown as plain "
            "paragraphs, not rendered as markdown (split it into sections)"
        )
        scope.warn(steps, Code.IGNORED_VALUE, message)


#: A path on the site: segments of URL path characters (RFC 3986 pchar) between single slashes.
_PATH: Final = re.compile(r"(?:/[A-Za-z0-9\-._~%!$&'()*+,;=:@]+)*/?")
#: What RFC 3986 leaves out of a URL's path unless percent-encoded, and characters that are
#: invisible or move text (a line separator looks like nothing at all).
_UNENCODED: Final = re.compile(
    '["<>\\\\^`{|}\\s\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]'
)


def _loopback(host: str) -> bool:
    """Whether `host` is a loopback or unspecified IP address (127.0.0.1, ::1, 0.0.0.0)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
