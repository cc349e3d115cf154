"""The payload contract: schemas/recap_payload.schema.json, checked before anything is rendered."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import jsonschema

from render_runner.config import SCHEMA_PATH


class InvalidPayload(ValueError):
    """A payload that breaks the contract; the message names the field."""


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def field_path(error: jsonschema.ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    return ".".join(parts) if parts else "(payload)"


def parse_payload(raw: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """Parse (if text) and validate one payload; raise InvalidPayload naming the first bad field."""
    if isinstance(raw, (str, bytes)):
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidPayload(f"invalid payload: not JSON ({exc.msg} at char {exc.pos})") from exc
    else:
        payload = raw
    errors = sorted(_validator().iter_errors(payload), key=lambda e: (len(list(e.absolute_path)), field_path(e)))
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidPayload(f"invalid payload: {describe_error(first)}{more}")
    return payload


_TYPE_WORDS = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "boolean": "a boolean",
    "null": "null",
}


def _expected_type(schema: Any) -> str:
    kinds = schema.get("type") if isinstance(schema, dict) else None
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    return " or ".join(_TYPE_WORDS.get(k, k) for k in kinds) or "a value"


def describe_error(error: jsonschema.ValidationError) -> str:
    """`<field>: <what was expected>`, without the offending value: payloads hold names, and
    this message ends up in the job table and in logs, which must never show them."""
    where, rule, limit, schema = field_path(error), error.validator, error.validator_value, error.schema
    if rule == "required":
        missing = [name for name in limit if isinstance(error.instance, dict) and name not in error.instance]
        prefix = "" if where == "(payload)" else where + "."
        return f"{prefix}{missing[0] if missing else '?'}: missing"
    expected = _expected_type(schema)
    text = {
        "type": f"expected {expected}",
        "minimum": f"expected {expected} >= {limit}",
        "maximum": f"expected {expected} <= {limit}",
        "exclusiveMinimum": f"expected {expected} > {limit}",
        "exclusiveMaximum": f"expected {expected} < {limit}",
        "minLength": f"expected a string of a length >= {limit}",
        "maxLength": f"expected a string of length <= {limit}",
        "minItems": f"expected at least {limit} items",
        "maxItems": f"expected at most {limit} items",
        "enum": f"expected one of {limit}",
        "const": f"expected {limit!r}",
        "pattern": f"expected a string matching {limit}",
        "format": f"expected a {limit}",
        "additionalProperties": "unexpected key(s) "
        + ", ".join(sorted(set(error.instance) - set(schema.get("properties", {})))) if isinstance(error.instance, dict) else "unexpected keys",
    }.get(str(rule), f"does not satisfy the schema's {rule!r} rule")
    return f"{where}: {text}"
