"""torchscape: turn a landscape catalog into a fast website, and keep the catalog true.

The public Python API::

    import torchscape
    landscape = torchscape.load("landscape.yml", settings_file="settings.yml")
    for item in landscape:
        print(item.id, item.name, item.category)

Nothing runs on import, and the catalog's modules (pydantic models, checks) are imported when
first used, so that commands which do not read a catalog start quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from torchscape.errors import CatalogError, Problem, Severity, TorchscapeError, UsageError

if TYPE_CHECKING:
    from torchscape.catalog.loader import CheckResult, check, load
    from torchscape.catalog.model import Category, Item, Landscape, Placement, Status, Subcategory

__version__ = "0.1.0"

#: The public names imported on first use, and their modules.
_LAZY = {
    **dict.fromkeys(("CheckResult", "check", "load"), "torchscape.catalog.loader"),
    **dict.fromkeys(
        ("Category", "Item", "Landscape", "Placement", "Status", "Subcategory"), "torchscape.catalog.model"
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'torchscape' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "CatalogError",
    "Category",
    "CheckResult",
    "Item",
    "Landscape",
    "Placement",
    "Problem",
    "Severity",
    "Status",
    "Subcategory",
    "TorchscapeError",
    "UsageError",
    "__version__",
    "check",
    "load",
]
