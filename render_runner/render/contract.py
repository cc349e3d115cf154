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
        raise InvalidPayload(f"invalid payload: {field_path(first)}: {first.message}{more}")
    return payload
