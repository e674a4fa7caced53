"""The CycloneDX document (JSON-shaped data, see ``cyclonedx``) written as XML.

Each writer lists its element's children in the order the XML schema's sequence demands
(the JSON form has no order); members the schema types as ``normalizedString`` have their
tabs and line breaks turned into spaces, as an XML reader would. Text is escaped, and the
characters XML 1.0 cannot carry at all (most control characters, which an advisory's text
could hold) are replaced by U+FFFD so the document always parses. Two-space indentation,
text inline: the layout cyclonedx-python-lib wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

Json = dict[str, Any]
# (tag, attributes, text or children)
Node = tuple[str, list[tuple[str, str]], str | list["Node"] | None]

NAMESPACE = "http://cyclonedx.org/schema/bom/{version}"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAKS = re.compile(r"\r\n|[\t\n\r]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"})
_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _normalized(text: str) -> str:
    """An ``xs:normalizedString``: no tab, carriage return or line feed."""
    return _BREAKS.sub(" ", text)


def _el(tag: str, content: str | list[Node] | None, **attrs: str | None) -> Node:
    return (tag, [(k.replace("_", "-"), v) for k, v in attrs.items() if v is not None], content)


def _leaf(tag: str, value: Any, *, normalized: bool = False) -> list[Node]:
    """Zero or one text element."""
    if value is None:
        return []
    text = str(value)
    return [_el(tag, _normalized(text) if normalized else text)]


def _group(tag: str, items: Iterable[Node]) -> list[Node]:
    """A wrapper element, or nothing when there is nothing to wrap."""
    children = list(items)
    return [_el(tag, children)] if children else []


def _properties(item: Json) -> list[Node]:
    return _group(
        "properties",
        (
            _el("property", _normalized(p["value"]), name=p["name"])
            for p in item.get("properties", [])
        ),
    )


def _component(c: Json) -> Node:
    children = [
        *_leaf("group", c.get("group"), normalized=True),
        *_leaf("name", c["name"], normalized=True),
        *_leaf("version", c.get("version"), normalized=True),
        *_leaf("scope", c.get("scope")),
        *_group("hashes", (_el("hash", h["content"], alg=h["alg"]) for h in c.get("hashes", []))),
        *_group("licenses", (_license(item) for item in c.get("licenses", []))),
        *_leaf("purl", c.get("purl")),
        *_group(
            "externalReferences",
            (
                _el(
                    "reference",
                    [*_leaf("url", r["url"]), *_leaf("comment", r.get("comment"))],
                    type=r["type"],
                )
                for r in c.get("externalReferences", [])
            ),
        ),
        *_properties(c),
        *_group("components", (_component(n) for n in c.get("components", []))),
    ]
    return _el("component", children, type=c["type"], bom_ref=c.get("bom-ref"))


def _license(item: Json) -> Node:
    if "expression" in item:
        return _el("expression", _normalized(item["expression"]))
    named = item["license"]
    return _el("license", [*_leaf("name", named.get("name"), normalized=True)])


def _tools(tools: Any) -> Node:
    if isinstance(tools, list):  # 1.4: the legacy tool list
        return _el(
            "tools",
            [
                _el(
                    "tool",
                    [
                        *_leaf("name", t.get("name"), normalized=True),
                        *_leaf("version", t.get("version"), normalized=True),
                    ],
                )
                for t in tools
            ],
        )
    return _el("tools", _group("components", (_component(c) for c in tools["components"])))


def _metadata(m: Json) -> Node:
    return _el(
        "metadata",
        [
            *_leaf("timestamp", m.get("timestamp")),
            *([_tools(m["tools"])] if "tools" in m else []),
            *([_component(m["component"])] if "component" in m else []),
            *_properties(m),
        ],
    )


def _dependency(d: Json) -> Node:
    return _el(
        "dependency", [_el("dependency", None, ref=r) for r in d.get("dependsOn", [])], ref=d["ref"]
    )


def _source(s: Json | None) -> list[Node]:
    if s is None:
        return []
    return [
        _el(
            "source",
            [*_leaf("name", s.get("name"), normalized=True), *_leaf("url", s.get("url"))],
        )
    ]


def _rating(r: Json) -> Node:
    score = r.get("score")
    return _el(
        "rating",
        [
            *_source(r.get("source")),
            *_leaf("score", None if score is None else f"{score:.1f}"),
            *_leaf("severity", r.get("severity")),
            *_leaf("method", r.get("method")),
            *_leaf("vector", r.get("vector"), normalized=True),
        ],
    )


def _target(t: Json) -> Node:
    versions = (
        _el(
            "version",
            [*_leaf("version", v["version"], normalized=True), *_leaf("status", v["status"])],
        )
        for v in t.get("versions", [])
    )
    return _el("target", [*_leaf("ref", t["ref"]), *_group("versions", versions)])


def _vulnerability(v: Json) -> Node:
    analysis = v.get("analysis")
    references = (
        _el("reference", [*_leaf("id", r["id"], normalized=True), *_source(r.get("source"))])
        for r in v.get("references", [])
    )
    children = [
        *_leaf("id", v.get("id"), normalized=True),
        *_source(v.get("source")),
        *_group("references", references),
        *_group("ratings", (_rating(r) for r in v.get("ratings", []))),
        *_group("cwes", (_el("cwe", str(c)) for c in v.get("cwes", []))),
        *_leaf("description", v.get("description")),
        *_leaf("detail", v.get("detail")),
        *_leaf("recommendation", v.get("recommendation")),
        *_group(
            "advisories", (_el("advisory", _leaf("url", a["url"])) for a in v.get("advisories", []))
        ),
        *_leaf("published", v.get("published")),
        *_leaf("updated", v.get("updated")),
        *(
            [
                _el(
                    "analysis",
                    [
                        *_leaf("state", analysis["state"]),
                        *_leaf("justification", analysis.get("justification")),
                        *_leaf("detail", analysis.get("detail")),
                    ],
                )
            ]
            if analysis
            else []
        ),
        *_group("affects", (_target(t) for t in v.get("affects", []))),
        *_properties(v),
    ]
    return _el("vulnerability", children, bom_ref=v.get("bom-ref"))


def _write(node: Node, depth: int, out: list[str]) -> None:
    tag, attrs, content = node
    pad = "  " * depth
    head = pad + "<" + tag + "".join(f' {k}="{_clean(v).translate(_ATTR)}"' for k, v in attrs)
    if not content:
        out.append(head + "/>")
    elif isinstance(content, str):
        out.append(f"{head}>{_clean(content).translate(_TEXT)}</{tag}>")
    else:
        out.append(head + ">")
        for child in content:
            _write(child, depth + 1, out)
        out.append(f"{pad}</{tag}>")


def write_xml(doc: Json) -> str:
    """The document as CycloneDX XML of its ``specVersion``."""
    children = [
        *([_metadata(doc["metadata"])] if "metadata" in doc else []),
        *_group("components", (_component(c) for c in doc.get("components", []))),
        *_group("dependencies", (_dependency(d) for d in doc.get("dependencies", []))),
        *_group("vulnerabilities", (_vulnerability(v) for v in doc.get("vulnerabilities", []))),
    ]
    bom = _el(
        "bom",
        children,
        xmlns=NAMESPACE.format(version=doc["specVersion"]),
        serialNumber=doc.get("serialNumber"),
        version=str(doc.get("version", 1)),
    )
    out = ['<?xml version="1.0" ?>']
    _write(bom, 0, out)
    return "\n".join(out) + "\n\n"
