"""What survives sanitising an SVG: the allow-lists of elements, attributes and CSS properties
and functions, and the only forms a link may take."""

from __future__ import annotations

import re
from typing import Final

#: Presentational SVG elements that are kept (everything else is dropped with its content).
_ELEMENTS: Final = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "switch", "title", "desc",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath", "image",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
        "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
        "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
        "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip
#: Elements kept under another name: a link does nothing in an image, its content stays.
_RENAMED: Final = {"a": "g"}
#: Elements whose text is shown (elsewhere, text between elements is dropped).
_TEXT_ELEMENTS: Final = frozenset({"text", "tspan", "textPath", "title", "desc"})
#: Elements that draw something: a logo without any of them is empty.
_DRAWING_ELEMENTS: Final = frozenset(
    {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "image", "use"}
)
#: Elements that may link to a `#fragment` of the same document.
_LOCAL_LINKS: Final = frozenset({"use", "textPath", "linearGradient", "radialGradient", "pattern", "filter"})

#: CSS properties that are also SVG presentation attributes: kept as attributes.
_PRESENTATION: Final = frozenset(
    {
        "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
        "color-interpolation", "color-interpolation-filters", "color-rendering", "direction",
        "display", "dominant-baseline", "fill", "fill-opacity", "fill-rule", "filter",
        "flood-color", "flood-opacity", "font-family", "font-size", "font-size-adjust",
        "font-stretch", "font-style", "font-variant", "font-weight", "image-rendering",
        "letter-spacing", "lighting-color", "marker-end", "marker-mid", "marker-start", "mask",
        "mask-type", "opacity", "overflow", "paint-order", "shape-rendering", "stop-color",
        "stop-opacity", "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor",
        "text-decoration", "text-rendering", "transform-origin", "unicode-bidi", "vector-effect",
        "visibility", "word-spacing", "writing-mode",
    }
)  # fmt: skip
#: CSS properties without an attribute form that are still worth keeping (in a `style`).
_STYLE_ONLY: Final = frozenset(
    {
        "font-feature-settings", "font-kerning", "font-variant-caps", "font-variant-east-asian",
        "font-variant-ligatures", "font-variant-numeric", "isolation", "mix-blend-mode",
    }
)  # fmt: skip
#: Geometry, structure and filter attributes (without a namespace) that are kept.
_ATTRIBUTES: Final = frozenset(
    {
        "id", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2",
        "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength",
        "transform", "gradientTransform", "gradientUnits", "spreadMethod", "patternUnits",
        "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
        "maskContentUnits", "markerUnits", "markerWidth", "markerHeight", "refX", "refY",
        "orient", "offset", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset",
        "method", "spacing", "side", "filterUnits", "primitiveUnits", "in", "in2", "result",
        "stdDeviation", "type", "values", "tableValues", "slope", "intercept", "amplitude",
        "exponent", "k", "k1", "k2", "k3", "k4", "operator", "mode", "order", "kernelMatrix",
        "divisor", "bias", "targetX", "targetY", "edgeMode", "preserveAlpha", "surfaceScale",
        "diffuseConstant", "specularConstant", "specularExponent", "kernelUnitLength", "scale",
        "xChannelSelector", "yChannelSelector", "radius", "azimuth", "elevation", "pointsAtX",
        "pointsAtY", "pointsAtZ", "limitingConeAngle", "baseFrequency", "numOctaves", "seed",
        "stitchTiles", "z", "role", "aria-label", "aria-hidden", "lang", "systemLanguage",
    }
)  # fmt: skip
#: Attributes whose value is read as CSS (or as a transform list): checked function by function.
_CSS_VALUED: Final = _PRESENTATION | {"transform", "gradientTransform", "patternTransform"}
#: The functions a CSS-valued attribute may call; url() only as url(#fragment).
_FUNCTIONS: Final = frozenset(
    {"url", "rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale", "rotate", "skewx",
     "skewy"}
)  # fmt: skip
#: Attributes holding numbers (and units) only, rewritten in their shortest exact form.
_NUMERIC: Final = frozenset(
    {
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width",
        "height", "offset", "opacity", "fill-opacity", "stroke-opacity", "stop-opacity",
        "stroke-width", "stroke-miterlimit", "stroke-dashoffset", "stroke-dasharray",
        "stdDeviation", "values", "font-size", "dx", "dy",
    }
)  # fmt: skip

_LOCAL_FRAGMENT: Final = re.compile(r"#[^\s#()'\"<>\\]+")
#: The start of an embedded bitmap's URI; its base64 text is checked by decoding it.
_DATA_IMAGE: Final = re.compile(r"data:image/(?:png|jpe?g|gif|webp)(?:;[\w.+=-]*)*;base64,", re.IGNORECASE)
