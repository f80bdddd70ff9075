"""The build step for reusing the landscape elsewhere: badges, embed pages and the API's schemas.

Everything here is a separate file that the home page never loads.
"""

from __future__ import annotations

from torchscape.catalog.model import Landscape
from torchscape.site import api_schema, badges, embeds, pages
from torchscape.site.model import SiteModel
from torchscape.site.writer import FileSink


def write_reuse_files(
    landscape: Landscape, model: SiteModel, assets: dict[str, str], writer: FileSink
) -> int:
    """badges/<id>.svg, embed/..., api/schema/*.schema.json; returns the number of HTML pages."""
    settings = landscape.settings
    fill = badges.value_fill(settings.colors.color1 if settings and settings.colors else None)
    for item in landscape:
        writer.write(f"badges/{item.id}.svg", badges.badge_svg(model.title, badges.badge_value(item), fill))
    for name in api_schema.NAMES:
        writer.write(f"api/schema/{name}.schema.json", api_schema.dumps(name))
    common = pages._common(landscape, model, assets)
    return embeds.write_embeds(landscape, model, assets, writer, common)
