"""A calculator's inputs as form fields, read from its own JSON schema (so a new pack needs no form code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FieldKind = str  # money | money_list | bool | tristate | choice | integer | percent | date | items | text


@dataclass(frozen=True)
class FieldInfo:
    """One input: its name, Chinese label, kind, whether required, default and choices."""

    name: str
    label: str
    kind: FieldKind
    required: bool
    default: Any = None
    choices: tuple[Any, ...] = ()
    item_fields: tuple[FieldInfo, ...] = field(default_factory=tuple)  # kind "items": each item's fields

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "required": self.required,
            "default": self.default,
        }
        if self.choices:
            row["choices"] = list(self.choices)
        if self.item_fields:
            row["item_fields"] = [f.to_dict() for f in self.item_fields]
        return row


def _options(prop: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a property (an optional field is anyOf [its type, null])."""
    options = [p for p in prop.get("anyOf", []) if p.get("type") != "null"]
    return options or [prop]


def _is_money(prop: dict[str, Any]) -> bool:
    return prop.get("unit") == "元" or any(o.get("unit") == "元" for o in prop.get("anyOf", []))


def _kind(
    prop: dict[str, Any], defs: dict[str, Any]
) -> tuple[FieldKind, tuple[Any, ...], tuple[FieldInfo, ...]]:
    first = _options(prop)[0]
    if _is_money(prop) or _is_money(first):
        return "money", (), ()
    if "enum" in first or "const" in first:
        return "choice", tuple(first.get("enum", [first.get("const")])), ()
    kind = first.get("type")
    if kind == "array":
        items = _resolve(first.get("items", {}), defs)
        if _is_money(items):
            return "money_list", (), ()
        if items.get("type") == "object":
            return "items", (), tuple(_fields_of(items, defs))
        return "text", (), ()
    if kind == "boolean":
        return ("bool" if prop.get("default") is not None else "tristate"), (), ()
    if first.get("format") == "date":
        return "date", (), ()
    if kind == "integer":
        return "integer", (), ()
    if "ge" in first or any("ge" in o for o in first.get("anyOf", [])):
        return "percent", (), ()
    return "text", (), ()


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A property with its $ref (or allOf [$ref]) replaced by the definition it names."""
    ref = prop.get("$ref") or (prop.get("allOf") or [{}])[0].get("$ref")
    if not ref:
        return prop
    target = defs.get(ref.split("/")[-1], {})
    return {**target, **{k: v for k, v in prop.items() if k not in ("$ref", "allOf")}}


def _fields_of(schema: dict[str, Any], defs: dict[str, Any]) -> list[FieldInfo]:
    required = set(schema.get("required", []))
    out = []
    for name, raw in schema.get("properties", {}).items():
        prop = _resolve(raw, defs)
        kind, choices, items = _kind(prop, defs)
        label = prop.get("description") or prop.get("title") or name
        out.append(FieldInfo(name, label, kind, name in required, prop.get("default"), choices, items))
    return out


def input_fields(input_model: Any) -> list[FieldInfo]:
    """The calculator's inputs in declaration order, labelled with their Chinese descriptions."""
    schema = input_model.model_json_schema()
    return _fields_of(schema, schema.get("$defs", {}))
