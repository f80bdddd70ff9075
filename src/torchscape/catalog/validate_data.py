"""Validate landscape.yml: the shape (both landscape2 styles), then every rule, all at once."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final

from torchscape.catalog.checks import (
    Scope,
    check_url_field,
    describe_value,
    listing,
    shorten,
    suggest,
    unknown_key_message,
    validate_model,
)
from torchscape.catalog.ids import is_valid_slug, item_id, normalize_name
from torchscape.catalog.model import KINDS, MAX_SECOND_PATHS
from torchscape.catalog.raw import RawCategory, RawItem, RawSubcategory, StatusSetting
from torchscape.catalog.urls import canonical_repo, github_repo_problem, repo_key, scheme_of
from torchscape.catalog.yamlio import ParsedFile, YList, YMap
from torchscape.errors import DIRECTION_CONTROLS, Code

_PACKAGE = re.compile(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])\Z")
_TAG = re.compile(r"^[a-z-]+\Z")
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}

#: URL fields of an item and of its `extra`, with the kind landscape2 checks them as.
ITEM_URLS = {
    "url_for_bestpractices": "best_practices",
    "crunchbase": "crunchbase",
    "repo_url": "repository",
    "twitter": "twitter",
}
EXTRA_URLS = {
    name: name.removesuffix("_url")
    for name in (
        "annual_review_url",
        "artwork_url",
        "blog_url",
        "bluesky_url",
        "dev_stats_url",
        "discord_url",
        "docker_url",
        "documentation_url",
        "facebook_url",
        "github_discussions_url",
        "gitter_url",
        "linkedin_url",
        "mailing_list_url",
        "package_manager_url",
        "pinterest_url",
        "reddit_url",
        "slack_url",
        "stack_overflow_url",
        "summary_intro_url",
        "youtube_url",
    )
}


@dataclass(slots=True)
class CheckedItem:
    """An item that passed the schema, with where it is."""

    raw: RawItem
    category: str
    subcategory: str
    scope: Scope
    id: str = ""


@dataclass(slots=True)
class DataResult:
    """What the data checks produce for the model conversion."""

    categories: list[tuple[str, list[tuple[str, list[CheckedItem]]]]] = field(default_factory=list)
    items: list[CheckedItem] = field(default_factory=list)


@dataclass(slots=True)
class DataChecker:
    """Runs every data rule over one parsed landscape.yml."""

    parsed: ParsedFile
    logos_path: Path | None
    statuses: dict[str, StatusSetting] | None
    result: DataResult = field(default_factory=DataResult)
    inspect_logos: bool = False  # look into each logo file too (validate), see `_logo_problem`
    _logo_sizes: dict[str, int] | None = None  # file name -> bytes, of the logos folder's files
    _logo_problems: dict[str, str | None] = field(default_factory=dict)  # logo -> why unusable
    _slashed: list[tuple[Scope, str]] = field(default_factory=list)  # names with '/'

    def run(self) -> DataResult:
        categories = self._top_level()
        if categories is not None:
            self._categories(categories)
            self._warn_slashed()
            self._identity()
            self._second_paths()
            self._shared_crunchbase()
        return self.result

    # --- structure --------------------------------------------------------------------------

    def _top_level(self) -> tuple[str, YList] | None:
        root, scope = self.parsed.root, Scope(self.parsed, ())
        if not isinstance(root, YMap):
            found = "an empty file" if root is None else describe_value(root)
            message = f"expected a mapping with a 'landscape:' or 'categories:' list, found {found}"
            if isinstance(root, YList):
                message += " (a list of categories? put 'landscape:' on the first line, and the list "
                message += "under it)"
            scope.report((), Code.WRONG_TYPE, message)
            return None
        keys = [k for k in ("landscape", "categories") if k in root]
        for key in root:
            if key not in ("landscape", "categories"):
                scope.warn((key,), Code.UNKNOWN_KEY, f"unknown top-level key '{key}' (ignored)")
        if not keys:
            scope.report((), Code.MISSING_FIELD, "needs a 'landscape:' or 'categories:' list")
            return None
        if len(keys) == 2:
            message = "has both 'landscape:' and 'categories:'; keep one"
            scope.report(("categories",), Code.INVALID_VALUE, message)
        key = keys[0]
        value = root[key]
        if value is None:
            return key, YList(root.key_marks[key])
        if not isinstance(value, YList):
            scope.report(
                (key,),
                Code.WRONG_TYPE,
                f"must be a list of categories, not {describe_value(value)}",
            )
            return None
        return key, value

    def _categories(self, top: tuple[str, YList]) -> None:
        key, categories = top
        seen: dict[str, str] = {}
        for index, value in enumerate(categories):
            scope = Scope(self.parsed, (key, index))
            name = self._named(value, RawCategory, scope, "category", index)
            if name is None:
                continue
            scope.context = (name,)
            self._slash_in_name(name, scope, "category")
            listed = self._again(self.result.categories, name, scope, "category")
            if listed is None:
                self._unique(seen, normalize_name(name), name, scope, "category")
                listed = []
                self.result.categories.append((name, listed))
            subcategories = self._children(value, "subcategories", scope)
            self._subcategories(name, subcategories, scope, listed)

    def _subcategories(
        self, category: str, values: YList, parent: Scope, out: list[tuple[str, list[CheckedItem]]]
    ) -> None:
        seen: dict[str, str] = {normalize_name(name): name for name, _ in out}  # a category given twice
        for index, value in enumerate(values):
            scope = Scope(self.parsed, (*parent.path, "subcategories", index), parent.context)
            name = self._named(value, RawSubcategory, scope, "subcategory", index)
            if name is None:
                continue
            scope.context = (category, name)
            self._slash_in_name(name, scope, "subcategory")
            items = self._again(out, name, scope, "subcategory")
            if items is None:
                self._unique(seen, normalize_name(name), name, scope, "subcategory")
                items = []
                out.append((name, items))
            self._items(category, name, self._children(value, "items", scope), scope, items)

    @staticmethod
    def _again(listed: list[tuple[str, Any]], name: str, scope: Scope, what: str) -> Any:
        """The contents of an earlier category or subcategory of exactly this name (in the same
        place), into which this one's are merged, with a warning; None for a new name."""
        for earlier, contents in listed:
            if earlier == name:
                where = "the landscape" if what == "category" else "this category"
                message = f"{what} '{name}' is in {where} twice: its items are shown together, "
                message += "under the first"
                scope.warn(("name",), Code.DUPLICATE_SECTION, message)
                return contents
        return None

    def _named(self, value: Any, model: type[Any], scope: Scope, what: str, index: int) -> str | None:
        """The category's or subcategory's name; None when it is not a mapping. One without a
        name is reported (blocking) and given a stand-in, so that what it holds is checked too."""
        if not isinstance(value, YMap):
            scope.report((), Code.WRONG_TYPE, f"a {what} must be a mapping, not {describe_value(value)}")
            return None
        name = value.get("name")
        named = isinstance(name, str) and bool(name.strip())
        marker = value.get(what)
        for key in value:
            if key not in model.model_fields and key != what:
                scope.warn((key,), Code.UNKNOWN_KEY, unknown_key_message(key, model))
            elif key == what and marker is not None and named:
                scope.warn(
                    (key,),
                    Code.IGNORED_VALUE,
                    f"the legacy '{key}:' marker has a value, which is ignored",
                )
        if named:
            _control_characters(str(name), ("name",), scope)
            return str(name).strip()
        code = Code.MISSING_FIELD if "name" not in value else Code.EMPTY_VALUE
        message = f"{what} #{index + 1} needs a name"
        nested = marker.get("name") if isinstance(marker, YMap) else None
        if isinstance(marker, str) and marker.strip():
            message += f" (the value of its '{what}:' line is ignored: write `name: {marker.strip()}`)"
            stand_in = marker.strip()
        elif isinstance(nested, str) and nested.strip():
            message += (
                f" (its fields are indented under '{what}:'; landscape2 reads them beside it: "
                f"'{what}:' alone on its line, then `name: {nested.strip()}` at the same indentation)"
            )
            stand_in = nested.strip()
        else:
            stand_in = f"{what} #{index + 1}"
        scope.report(("name",), code, message)
        return stand_in

    def _slash_in_name(self, name: str, scope: Scope, what: str) -> None:
        """Note a category or subcategory name with '/', which `second_path` cannot reach (it
        separates the category from the subcategory there): a warning once the items are read,
        if any of them has a second_path."""
        if "/" in name:
            self._slashed.append((scope, what))

    def _warn_slashed(self) -> None:
        if any(checked.raw.second_path for checked in self.result.items):
            for scope, what in self._slashed:
                message = f"a {what} name with '/' cannot be a second_path target"
                scope.warn(("name",), Code.SECOND_PATH_INVALID, message)

    def _children(self, value: YMap, key: str, scope: Scope) -> YList:
        children = value.get(key)
        if children is None:
            return YList(value.mark)
        if not isinstance(children, YList):
            scope.report((key,), Code.WRONG_TYPE, f"must be a list, not {describe_value(children)}")
            return YList(value.mark)
        return children

    def _unique(self, seen: dict[str, str], key: str, name: str, scope: Scope, what: str) -> None:
        if key in seen:
            message = f"{what} '{name}' has the same id as '{seen[key]}' ('{key}')"
            scope.report(("name",), Code.ID_COLLISION, message)
        else:
            seen[key] = name

    # --- items ------------------------------------------------------------------------------

    def _items(
        self, category: str, subcategory: str, values: YList, parent: Scope, out: list[CheckedItem]
    ) -> None:
        names: dict[str, tuple[int, str]] = {}  # look-alike key -> (line, name as written)
        for index, value in enumerate(values):
            path = (*parent.path, "items", index)
            label = value.get("name") if isinstance(value, YMap) else None
            label = label.strip() if isinstance(label, str) and label.strip() else f"item #{index + 1}"
            scope = Scope(self.parsed, path, (category, subcategory, label))
            if not isinstance(value, YMap):
                scope.report((), Code.WRONG_TYPE, f"an item must be a mapping, not {describe_value(value)}")
                continue
            if all(key == "item" and child is None for key, child in value.items()):  # `- item:` alone
                message = "an empty item: it needs at least a name, a homepage_url and a logo"
                scope.report((), Code.MISSING_FIELD, message)
                continue
            raw = validate_model(RawItem, value, scope)
            if raw is None:
                continue
            if not self._item_rules(raw, scope):
                continue
            look = _looks(raw.name)
            if look in names:
                line, first = names[look]
                same = (
                    f"'{raw.name}' is listed twice"
                    if first == raw.name
                    else (
                        f"'{raw.name}' looks the same as '{first}' (they differ only in invisible or "
                        "composed characters), listed twice"
                    )
                )
                scope.report(
                    ("name",), Code.DUPLICATE_NAME, f"{same} in this subcategory (first at line {line})"
                )
                continue
            names[look] = (scope.at()[0], raw.name)
            checked = CheckedItem(raw, category, subcategory, scope)
            out.append(checked)
            self.result.items.append(checked)

    def _item_rules(self, raw: RawItem, scope: Scope) -> bool:
        """Every per-item rule; False when the item cannot be listed (name or id unusable)."""
        usable = True
        if not raw.name.strip():
            scope.report(("name",), Code.EMPTY_VALUE, "is empty or only spaces")
            usable = False
        elif not item_id(raw.name) and not _slug_of(raw):
            scope.report(
                ("name",),
                Code.INVALID_VALUE,
                "needs at least one letter or digit (it makes the item's id)",
            )
            usable = False
        self._required_text(raw.homepage_url, ("homepage_url",), scope)
        check_url_field(scope, ("homepage_url",), raw.homepage_url or None, "homepage")
        if raw.homepage_url.startswith("http://"):
            scope.warn(
                ("homepage_url",),
                Code.INSECURE_URL,
                "uses http://; prefer https:// if the site offers it",
            )
        self._logo(raw.logo, scope)
        self._urls(raw, scope)
        self._repos(raw, scope)
        self._extra(raw, scope)
        self._status(raw, scope)
        _control_characters(raw.name, ("name",), scope)
        _control_characters(raw.description, ("description",), scope, allowed="\t\n\r")
        _control_characters(raw.license, ("license",), scope)
        if raw.license and raw.license.strip() and not spdx_expression(raw.license):
            message = (
                f"{describe_value(raw.license)} is not an SPDX licence expression (such as "
                "Apache-2.0, BSD-2-Clause-Patent or 'Apache-2.0 OR MIT'): it is shown as written, and "
                "the licence filter lists it apart from the SPDX spelling"
            )
            scope.warn(("license",), Code.NOT_SPDX, message)
        if raw.description is None or not raw.description.strip():
            annotations = (raw.extra.annotations if raw.extra else None) or {}
            if raw.repo_url or annotations.get("pypi"):
                shown = (
                    "the site shows upstream's (repository description or package summary) once "
                    "`torchscape refresh` has fetched it"
                )
            elif raw.crunchbase:
                shown = (
                    "the site shows none (landscape2 shows the organisation's from Crunchbase, whose "
                    "paid API torchscape does not use; no repo_url or package to take one from)"
                )
            else:
                shown = "the site shows none (no repo_url or package to take one from)"
            scope.warn(("description",), Code.MISSING_DESCRIPTION, f"no description: {shown}")
        return usable

    def _required_text(self, value: str, steps: tuple[str | int, ...], scope: Scope) -> None:
        if not value.strip():
            scope.report(steps, Code.EMPTY_VALUE, "is empty; it needs a value")

    def _urls(self, raw: RawItem, scope: Scope) -> None:
        for name, kind in ITEM_URLS.items():
            check_url_field(scope, (name,), getattr(raw, name), kind)

    def _repos(self, raw: RawItem, scope: Scope) -> None:
        if raw.repo_url and check_url_field(scope, ("repo_url",), raw.repo_url, "repository"):
            self._repo_shape(raw.repo_url, ("repo_url",), scope)
        seen = {repo_key(raw.repo_url)} if raw.repo_url else set()
        for index, repo in enumerate(raw.additional_repos or ()):
            steps = ("additional_repos", index, "repo_url")
            if check_url_field(scope, steps, repo.repo_url, "repository"):
                self._repo_shape(repo.repo_url, steps, scope)
            if repo_key(repo.repo_url) in seen:
                message = f"'{shorten(repo.repo_url)}' is listed already for this item (ignored)"
                scope.warn(steps, Code.IGNORED_VALUE, message)
            seen.add(repo_key(repo.repo_url))

    def _repo_shape(self, url: str, steps: tuple[str | int, ...], scope: Scope) -> None:
        problem = github_repo_problem(url)
        if problem:
            lost = "no repository figures (stars, commits, releases, licence) can be collected for it"
            scope.warn(steps, Code.NOT_A_REPOSITORY, f"'{shorten(url)}' {problem}: {lost}")

    def _extra(self, raw: RawItem, scope: Scope) -> None:
        extra = raw.extra
        if extra is None:
            return
        for name, kind in EXTRA_URLS.items():
            check_url_field(
                scope,
                ("extra", name),
                getattr(extra, name),
                kind,
                allow_mailto=name == "mailing_list_url",
            )
        for index, link in enumerate(extra.other_links or ()):
            self._required_text(link.name, ("extra", "other_links", index, "name"), scope)
            check_url_field(
                scope, ("extra", "other_links", index, "url"), link.url or None, allow_mailto=True
            )
            if not link.url.strip():
                scope.report(
                    ("extra", "other_links", index, "url"),
                    Code.EMPTY_VALUE,
                    "is empty; it needs a URL",
                )
        for index, audit in enumerate(extra.audits or ()):
            check_url_field(scope, ("extra", "audits", index, "url"), audit.url or None, "audit")
            if not audit.url:  # (blank ones are check_url_field's)
                scope.report(("extra", "audits", index, "url"), Code.EMPTY_VALUE, "is empty; it needs a URL")
        tags = [extra.tag] if isinstance(extra.tag, str) else (extra.tag or [])
        for tag in tags:
            if not _TAG.match(tag):
                scope.report(
                    ("extra", "tag"),
                    Code.INVALID_VALUE,
                    f"'{shorten(tag)}': a TAG uses only lowercase letters and hyphens",
                )
        self._annotations(extra.annotations or {}, scope)

    def _annotations(self, annotations: dict[str, str], scope: Scope) -> None:
        steps = ("extra", "annotations")
        if "pypi" in annotations:
            for name in (n.strip() for n in annotations["pypi"].split(",")):
                if not _PACKAGE.match(name):
                    scope.report(
                        (*steps, "pypi"),
                        Code.INVALID_VALUE,
                        f"'{shorten(name)}' is not a valid package name",
                    )
        kind = annotations.get("kind")
        if kind is not None and kind not in KINDS:
            message = f"'{shorten(kind)}' is not one of {', '.join(KINDS)}{suggest(kind, KINDS)}"
            scope.report((*steps, "kind"), Code.INVALID_VALUE, message)
        slug = annotations.get("slug")
        if slug is not None and not is_valid_slug(slug):
            message = (
                f"'{shorten(slug)}' is not a usable slug (letters, digits, '.', '_', '+', '-'; at most 100)"
            )
            scope.report((*steps, "slug"), Code.INVALID_VALUE, message)
        framework = annotations.get("framework")
        if framework is not None and not framework.strip():
            scope.report((*steps, "framework"), Code.EMPTY_VALUE, "is empty; remove it or name the framework")

    def _status(self, raw: RawItem, scope: Scope) -> None:
        if raw.project is None or self.statuses is None:
            return
        if raw.project not in self.statuses:
            known = sorted(self.statuses)
            message = (
                f"status '{shorten(raw.project)}' is not described in settings "
                f"(known: {listing(known)}){suggest(raw.project, known)}"
            )
            scope.warn(("project",), Code.UNKNOWN_STATUS, message)

    def _logo(self, logo: str, scope: Scope) -> None:
        if not logo.strip():
            scope.report(("logo",), Code.EMPTY_VALUE, "is empty; it needs a file name")
            return
        if scheme_of(logo) in ("http", "https"):  # as landscapeapp allowed; landscape2 does not
            message = (
                f"'{shorten(logo)}' is a URL: landscape2 reads logos from the logos folder only; "
                "save the file there and name it here (until then `torchscape refresh` fetches it into "
                "the cache and builds show that copy, else a placeholder: pages never load images "
                "from other sites)"
            )
            scope.report(("logo",), Code.LOGO_URL, message)
            return
        problem = logo_path_problem(logo)
        if problem:
            scope.report(("logo",), Code.LOGO_OUTSIDE, f"'{shorten(logo)}' {problem}; it is not read")
            return
        size = self._logo_size(logo) if self.logos_path is not None else 0
        suffix = PurePosixPath(logo).suffix.lower()
        if suffix != ".svg" and size is not None:  # a missing file is that one error, not also this
            shown = "torchscape shows PNG, JPEG, GIF and WebP logos too, shrunk and re-encoded"
            extra = f" (landscape2 wants SVG; {shown})" if suffix in _IMAGE_SUFFIXES else ""
            scope.warn(("logo",), Code.LOGO_NOT_SVG, f"'{shorten(logo)}' is not an SVG file{extra}")
        if size is None:
            message = f"'{shorten(logo)}' {self._not_there(logo)}; a placeholder is shown instead"
            scope.report(("logo",), Code.LOGO_MISSING, message)
        elif self.logos_path is not None and size == 0:
            message = f"'{shorten(logo)}' is an empty file; a placeholder is shown instead"
            scope.report(("logo",), Code.LOGO_MISSING, message)
        elif self.logos_path is not None and self.inspect_logos:
            problem = self._logo_problem(logo)
            if problem:
                message = f"'{shorten(logo)}' cannot be used ({problem}); a placeholder is shown instead"
                scope.report(("logo",), Code.LOGO_UNUSABLE, message)

    def _logo_problem(self, logo: str) -> str | None:
        """Why the build would show a placeholder for this file (a quick look: see
        `logos.source_problem`), once per file."""
        assert self.logos_path is not None
        if logo not in self._logo_problems:
            from torchscape.site.logos import source_problem  # Pillow: only when there are logos

            self._logo_problems[logo] = source_problem(self.logos_path / logo)
        return self._logo_problems[logo]

    def _not_there(self, logo: str) -> str:
        """Why there is no logo file of that name to read (`_logo_size` found none)."""
        folder = self.logos_path
        assert folder is not None
        path = folder / logo
        try:
            if not os.path.lexists(path):
                return f"is not in {folder}"
            if not path.resolve().is_relative_to(folder.resolve()):
                return f"is a link out of {folder}, which is not followed"
            if path.is_dir():
                return "is a folder, not a file"
        except (OSError, RuntimeError):  # RuntimeError: a loop of links
            return "cannot be read (a loop of links, or no permission)"
        return "is not a regular file (a pipe, a device or a broken link)"

    def _logo_size(self, logo: str) -> int | None:
        """The size of a logo file inside the logos folder, or None when there is none."""
        assert self.logos_path is not None
        if self._logo_sizes is None:
            self._logo_sizes = {}
            try:
                root = self.logos_path.resolve()  # a link out of the folder is not followed
                for path in self.logos_path.iterdir():
                    if path.is_file() and path.resolve().is_relative_to(root):
                        self._logo_sizes[path.name] = path.stat().st_size
            except OSError:
                pass
        if "/" not in logo:
            return self._logo_sizes.get(logo)
        target = (self.logos_path / logo).resolve()
        if not (target.is_relative_to(self.logos_path.resolve()) and target.is_file()):
            return None
        return target.stat().st_size

    # --- across items -----------------------------------------------------------------------

    def _identity(self) -> None:
        """Give every item its id; report collisions (error in one subcategory, else warning)."""
        taken: dict[str, CheckedItem] = {}
        next_suffix: dict[str, int] = {}  # per colliding id, where the search for a free one goes on
        for checked in self.result.items:
            base = _slug_of(checked.raw) or item_id(checked.raw.name)
            key = base.casefold()
            first = taken.get(key)
            if first is None:
                checked.id = base
                taken[key] = checked
                continue
            same_place = (first.category, first.subcategory) == (
                checked.category,
                checked.subcategory,
            )
            where = f"'{first.raw.name}' (line {first.scope.at()[0]})"
            if same_place:
                message = (
                    f"its id '{base}' collides with {where} in the same subcategory; "
                    "rename one or give a distinct extra.annotations.slug"
                )
                checked.scope.report(("name",), Code.ID_COLLISION, message)
                continue
            suffix = next_suffix.get(key, 2)  # not from 2 again: 20,000 items of one name
            while f"{base}-{suffix}".casefold() in taken:
                suffix += 1
            next_suffix[key] = suffix + 1
            checked.id = f"{base}-{suffix}"
            taken[checked.id.casefold()] = checked
            message = (
                f"its id '{base}' collides with {where}; this one gets '{checked.id}' "
                "(set extra.annotations.slug to choose)"
            )
            checked.scope.warn(("name",), Code.ID_COLLISION, message)
        self.result.items = [c for c in self.result.items if c.id]
        for _, subcategories in self.result.categories:
            for _, items in subcategories:
                items[:] = [c for c in items if c.id]

    def _second_paths(self) -> None:
        places = {(c, s) for c, subs in self.result.categories for s, _ in subs}
        for checked in self.result.items:
            entries = checked.raw.second_path or ()
            _, over = second_places(entries, places, (checked.category, checked.subcategory))
            for index, entry in enumerate(entries[:over]):
                parts = entry.split("/")
                steps = ("second_path", index)
                if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                    message = f"'{shorten(entry)}' is not 'Category / Subcategory' (ignored)"
                    checked.scope.warn(steps, Code.SECOND_PATH_INVALID, message)
                elif (parts[0].strip(), parts[1].strip()) not in places:
                    names = [f"{c} / {s}" for c, s in sorted(places)]
                    message = (
                        f"'{shorten(entry)}' is not a subcategory of this landscape "
                        f"(ignored){suggest(entry.strip(), names)}"
                    )
                    checked.scope.warn(steps, Code.SECOND_PATH_UNKNOWN, message)
            if over is not None:
                message = (
                    f"more than {MAX_SECOND_PATHS} second paths: this one and the rest "
                    "are ignored (an item shown everywhere helps no reader)"
                )
                checked.scope.warn(("second_path", over), Code.SECOND_PATH_INVALID, message)

    def _shared_crunchbase(self) -> None:
        users: dict[str, list[CheckedItem]] = defaultdict(list)
        for checked in self.result.items:
            if checked.raw.crunchbase:
                users[checked.raw.crunchbase.rstrip("/")].append(checked)
        for url, items in users.items():
            repos = {canonical_repo(c.raw.repo_url or "") for c in items}
            if len(items) >= 5 and len(repos) > 1:
                message = (
                    f"the same organisation ({shorten(url)}) is given for {len(items)} items: "
                    "landscape2 shows its company data (funding, headcount) on each of them, which "
                    "misleads where they are not its own (torchscape shows none)"
                )
                items[0].scope.warn(("crunchbase",), Code.SHARED_CRUNCHBASE, message)


def second_places(
    entries: Sequence[str], places: Collection[tuple[str, str]], own: tuple[str, str]
) -> tuple[list[tuple[str, str]], int | None]:
    """The distinct places (category, subcategory) that `second_path` entries name among
    `places`, other than the item's `own`, in order and at most MAX_SECOND_PATHS; and the index
    of the entry that went over that limit (None when none did). Validation and the loader
    both follow it."""
    found: dict[tuple[str, str], None] = {}  # in order; a dict, as lists can be long
    for index, entry in enumerate(entries):
        parts = [part.strip() for part in entry.split("/")]
        place = (parts[0], parts[-1])
        if len(parts) == 2 and place in places and place != own and place not in found:
            if len(found) == MAX_SECOND_PATHS:
                return list(found), index
            found[place] = None
    return list(found), None


#: C0 and C1 control characters, DEL, the two non-characters XML refuses, and the characters
#: that override or embed a writing direction (U+202A-U+202E, U+2066-U+2069): "Good\u202eliveD"
#: shows as another name, and the reversal runs on past it (into a page's title). The marks
#: U+200E and U+200F, which right-to-left text uses, are not among them.
_CONTROL: Final = re.compile(f"[\x00-\x1f\x7f-\x9f\ufffe\uffff{DIRECTION_CONTROLS}]")
_DIRECTION: Final = re.compile(f"[{DIRECTION_CONTROLS}]")

#: An SPDX licence id or reference: `Apache-2.0`, `GPL-2.0+`, `LicenseRef-Mine`, `DocumentRef-x:LicenseRef-y`.
_SPDX_ID: Final = re.compile(
    r"(?:DocumentRef-[A-Za-z0-9.-]+:)?(?:LicenseRef-[A-Za-z0-9.-]+|(?!LicenseRef-|DocumentRef-)[A-Za-z0-9][A-Za-z0-9.-]*\+?)"
)
#: SPDX's operators, as the spec writes them, and all lower case (which tools commonly accept).
_SPDX_OPERATORS: Final = {"AND": "AND", "and": "AND", "OR": "OR", "or": "OR", "WITH": "WITH", "with": "WITH"}


def spdx_expression(text: str) -> bool:
    """Whether `text` has the shape of an SPDX licence expression: ids joined by AND or OR
    (upper or lower case, not mixed), each perhaps `WITH` an exception, in balanced parentheses.
    Whether each id is on the SPDX list is not checked (the list is not bundled)."""
    tokens = re.findall(r"\(|\)|[^\s()]+", text)
    position = 0

    def expression() -> bool:
        nonlocal position
        if not term():
            return False
        while position < len(tokens) and _SPDX_OPERATORS.get(tokens[position]) in ("AND", "OR"):
            position += 1
            if not term():
                return False
        return True

    def term() -> bool:
        nonlocal position
        if position < len(tokens) and tokens[position] == "(":
            position += 1
            if not expression() or position >= len(tokens) or tokens[position] != ")":
                return False
            position += 1
            return True
        if not licence_id():
            return False
        if position < len(tokens) and _SPDX_OPERATORS.get(tokens[position]) == "WITH":
            position += 1
            return licence_id()
        return True

    def licence_id() -> bool:
        nonlocal position
        token = tokens[position] if position < len(tokens) else ""
        if token.upper() in _SPDX_OPERATORS or not _SPDX_ID.fullmatch(token):
            return False
        position += 1
        return True

    return len(tokens) <= 64 and expression() and position == len(tokens)


def _control_characters(
    text: str | None, steps: tuple[str | int, ...], scope: Scope, allowed: str = ""
) -> None:
    """Warn of an invisible control character (an escape sequence pasted from a terminal, a NUL):
    the site escapes it where it matters, but it shows as a box or nothing, and a terminal
    reading the CSV may act on it."""
    for match in _CONTROL.finditer(text or ""):
        if match.group() not in allowed:
            code = f"U+{ord(match.group()):04X}"
            kind = "a writing-direction control" if _DIRECTION.match(match.group()) else "a control"
            message = f"has {kind} character ({code}) at position {match.start() + 1}: remove it"
            scope.warn(steps, Code.CONTROL_CHARACTER, message)
            return


def _slug_of(raw: RawItem) -> str | None:
    annotations = raw.extra.annotations if raw.extra else None
    slug = (annotations or {}).get("slug")
    return slug if slug and is_valid_slug(slug) else None


def logo_path_problem(logo: str) -> str | None:
    """Why a logo value is not a plain relative file name inside the logos folder, if it is not."""
    if scheme_of(logo) in ("http", "https"):
        return "is a URL not fetched yet (`torchscape refresh` fetches it), or give a logos folder file"
    if scheme_of(logo) in ("data", "javascript", "file", "vbscript"):
        return "is a URL; give a file name inside the logos folder"
    if "\\" in logo or "\x00" in logo:
        return "contains a backslash or NUL byte"
    pure = PurePosixPath(logo)
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", logo):
        return "is an absolute path; give a file name inside the logos folder"
    if ".." in pure.parts:
        return "points outside the logos folder ('..')"
    return None


def _looks(name: str) -> str:
    """What a name looks like: NFKC-normalised (composed accents, compatibility forms) and without
    format characters (zero-width spaces and joiners, direction marks and overrides)."""
    return "".join(c for c in unicodedata.normalize("NFKC", name) if unicodedata.category(c) != "Cf")
