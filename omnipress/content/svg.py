"""Is an SVG file a plain drawing? Parsed with a real XML parser, judged by an allow-list.

An SVG is a document, not a picture: opened on its own (the blog publishes images as files)
a browser runs its scripts and follows its links, and XML can hide either from a text search
(``<s:script>`` under another prefix, ``&#106;avascript:``, an entity whose value is
``<script>``, ``@import`` in a ``<style>``). So the file is parsed, and every element,
attribute and stylesheet is compared with what a drawing needs; anything else is named.

The parser is the standard library's expat, with namespaces on and a DOCTYPE refused before
it is read: no DTD means no entity can be declared, so nothing expands (billion laughs, an
entity that is ``<script>``) and nothing external is fetched. expat rather than defusedxml
(which wraps the same expat): no new dependency, and expat gives the line of every element,
which the marketer needs to find it.

An unsafe SVG is **refused, not cleaned**: a cleaned copy would be a different drawing from
the one the designer handed over (removing a ``<style>`` or a ``<use>`` changes how it looks),
published without anyone seeing it, and the build's freshness check compares the published
copies with ``content/images/`` byte for byte. Naming the element and its line lets the
designer export the drawing again (SVGO, Inkscape's "Plain SVG"). Rasterising would need a
new dependency and lose the vector logo in the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat


def words(text: str) -> frozenset[str]:
    """A table written as words: long allow-lists stay readable."""
    return frozenset(text.split())


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = words(
    """svg g defs symbol use title desc metadata style switch
    path rect circle ellipse line polyline polygon text tspan textPath image
    linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence"""
)
"""What a static drawing is made of, in the SVG namespace. Absent on purpose: ``script``,
``foreignObject`` (HTML inside), ``a`` (links), the animation elements (``set`` can write
``javascript:`` into an ``href``), ``feImage`` and ``cursor`` (they load files), ``iframe``."""

ATTRIBUTES = words(
    """id class style lang role tabindex focusable version baseProfile
    width height viewBox preserveAspectRatio x y x1 y1 x2 y2 cx cy r rx ry fx fy fr
    d points pathLength transform transform-origin href
    fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin
    stroke-miterlimit stroke-dasharray stroke-dashoffset stroke-opacity opacity color display
    visibility overflow clip clip-path clip-rule mask filter marker-start marker-mid marker-end
    stop-color stop-opacity font font-family font-size font-size-adjust font-weight font-style
    font-variant font-stretch text-anchor dominant-baseline alignment-baseline baseline-shift
    letter-spacing word-spacing text-decoration writing-mode direction unicode-bidi
    color-interpolation color-interpolation-filters color-rendering shape-rendering
    text-rendering image-rendering vector-effect paint-order flood-color flood-opacity
    lighting-color mix-blend-mode isolation enable-background
    gradientUnits gradientTransform spreadMethod offset
    patternUnits patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits
    markerWidth markerHeight markerUnits refX refY orient
    dx dy rotate textLength lengthAdjust startOffset method spacing side
    filterUnits primitiveUnits in in2 result stdDeviation mode type values operator
    k1 k2 k3 k4 order kernelMatrix divisor bias targetX targetY edgeMode kernelUnitLength
    preserveAlpha surfaceScale diffuseConstant specularConstant specularExponent scale
    xChannelSelector yChannelSelector radius baseFrequency numOctaves seed stitchTiles
    azimuth elevation pointsAtX pointsAtY pointsAtZ limitingConeAngle
    tableValues slope intercept amplitude exponent media mask-type white-space font-kerning
    text-overflow requiredExtensions requiredFeatures systemLanguage"""
)
"""Attributes without a namespace that only draw. No ``on…`` event handler is here."""

FREE_PREFIXES = ("aria-", "data-")
"""Attribute families that never do anything by themselves."""

NAMESPACED_ATTRIBUTES = {
    XLINK_NS: frozenset({"href", "title"}),
    XML_NS: frozenset({"space", "lang"}),
}
LINKS = frozenset({"href", f"{XLINK_NS} href"})

EMBEDDED_RASTER = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
"""The one outside reference an ``<image>`` may make: a picture carried inside the file."""

CSS_ACTIVE = re.compile(
    r"@import|@font-face|@namespace|\\|expression\s*\(|javascript:|-moz-binding|behavior\s*:"
    r"|image-set\s*\(|src\s*\(",
    re.IGNORECASE,
)
"""CSS that loads something or hides what it says (a backslash escape can spell ``url``)."""
CSS_URL = re.compile(r"url\s*\(\s*(['\"]?)\s*([^'\")]*)", re.IGNORECASE)

ELEMENT_RULE = (
    "not an element of a plain drawing (scripts, links, embedded pages and animations are not "
    "allowed)"
)
ATTRIBUTE_RULE = "not an attribute of a plain drawing (event handlers run scripts)"
LINK_RULE = (
    "a link may only point inside the drawing (#id), or an <image> carry a PNG, JPEG, GIF or "
    "WebP as data:"
)

MAX_FINDINGS = 5
"""Per file: enough to show the pattern; the rest is counted, not listed."""


@dataclass(frozen=True)
class Finding:
    """One thing in the file that is not part of a plain drawing."""

    line: int
    message: str  # names the thing as it reads in the file: <s:script>, onload=, href="…"


class _Refused(Exception):
    """Stops the parse: what follows a DOCTYPE or an outside entity is not read at all."""

    def __init__(self, finding: Finding):
        self.finding = finding


def svg_findings(data: bytes) -> list[Finding]:
    """Everything in ``data`` that is not a plain drawing; empty for a drawing."""
    return _Inspector().run(data)


class _Inspector:
    """One parse: expat's callbacks write their findings here."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.stack: list[str] = []
        self.css: list[str] | None = None  # the text of the <style> being read
        # read as UTF-8 whatever the file declares: servers (the preview too) send SVG as
        # UTF-8, so a file that parses only in another encoding is not the one browsers see
        self.parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
        self.parser.namespace_prefixes = True
        self.parser.ordered_attributes = True
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.ExternalEntityRefHandler = self.external_entity
        self.parser.ProcessingInstructionHandler = self.instruction
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text

    def run(self, data: bytes) -> list[Finding]:
        try:
            self.parser.Parse(data, True)
        except _Refused as refused:
            self.findings.append(refused.finding)
        except expat.ExpatError as exc:
            reason = expat.ErrorString(exc.code) if exc.code else str(exc)
            self.findings.append(
                Finding(exc.lineno, f"the SVG image is not well-formed XML: {reason}")
            )
        return self.findings

    @property
    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def note(self, what: str, why: str) -> None:
        self.findings.append(contains(self.line, what, why))

    def doctype(self, name: str, *_: object) -> None:
        why = "a DTD can declare entities that add to the drawing what it does not show"
        raise _Refused(contains(self.line, f"<!DOCTYPE {name}>", why))

    def external_entity(self, *_: object) -> int:
        raise _Refused(contains(self.line, "an external entity", "it would read another file"))

    def instruction(self, target: str, _data: str) -> None:
        self.note(f"<?{target}?>", "a processing instruction can load a stylesheet")

    def start(self, name: str, attributes: list[str]) -> None:
        namespace, local, shown = split_name(name)
        self.stack.append(local if namespace == SVG_NS else "")
        if self.stack[-1] == "style":
            self.css = []
        if not self.stack[:-1] and (namespace, local) != (SVG_NS, "svg"):
            self.note(f"<{shown}>", f'the drawing must start with <svg xmlns="{SVG_NS}">')
        elif namespace != SVG_NS or local not in ELEMENTS:
            self.note(f"<{shown}>", ELEMENT_RULE)
        for attribute, value in zip(attributes[::2], attributes[1::2], strict=True):
            self.attribute(local, attribute, value)

    def attribute(self, element: str, name: str, value: str) -> None:
        namespace, local, shown = split_name(name)
        key = f"{namespace} {local}" if namespace else local
        allowed = (
            local in NAMESPACED_ATTRIBUTES.get(namespace, ())
            if namespace
            else local in ATTRIBUTES or local.startswith(FREE_PREFIXES)
        )
        if not allowed:
            self.note(f"{shown}=", ATTRIBUTE_RULE)
        elif key in LINKS:
            target = value.strip()
            local_ref = target.startswith("#")
            embedded = element == "image" and EMBEDDED_RASTER.match(target) is not None
            if not (local_ref or embedded):
                self.note(f'{shown}="{short(target)}"', LINK_RULE)
        else:
            self.css_value(f'{shown}="{short(value)}"', value)

    def css_value(self, what: str, css: str) -> None:
        """Style sheets and presentation attributes may refer only to the drawing itself."""
        active = CSS_ACTIVE.search(css)
        if active is not None:
            self.note(what, f"CSS with '{active.group(0)}' can load files or hide what it does")
            return
        for found in CSS_URL.finditer(css):
            if not found.group(2).strip().startswith("#"):
                self.note(what, "CSS url() may only point inside the drawing: url(#id)")
                return

    def end(self, _name: str) -> None:
        if self.stack.pop() == "style" and self.css is not None:
            self.css_value("<style>", "".join(self.css))
            self.css = None

    def text(self, data: str) -> None:
        if self.css is not None:  # all of it, split by comments or elements as it may be
            self.css.append(data)


def contains(line: int, what: str, why: str) -> Finding:
    return Finding(line, f"the SVG image contains {what}: {why}")


def split_name(name: str) -> tuple[str, str, str]:
    """(namespace, local name, the name as written) from expat's "uri local prefix"."""
    parts = name.split(" ")
    if len(parts) == 1:
        return "", parts[0], parts[0]
    namespace, local = parts[0], parts[1]
    prefix = parts[2] if len(parts) > 2 else ""
    return namespace, local, f"{prefix}:{local}" if prefix else local


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
