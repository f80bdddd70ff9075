"""torchscape: turn a landscape catalog into a fast website, and keep the catalog true.

The public Python API::

    import torchscape
    landscape = torchscape.load("landscape.yml", settings_file="settings.yml")
    for item in landscape:
        print(item.id, item.name, item.category)

Nothing runs on import.
"""

from torchscape.catalog.loader import CheckResult, check, load
from torchscape.catalog.model import Category, Item, Landscape, Placement, Status, Subcategory
from torchscape.errors import CatalogError, Problem, Severity, TorchscapeError, UsageError

__version__ = "0.1.0"

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
