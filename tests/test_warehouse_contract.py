"""The dbt contract test and schemas/recap_payload.schema.json must say the same thing.

The generic dbt test `payload_matches_contract` (macros/tests/) takes the payload's shape as
arguments in models/marts/_marts__models.yml, because dbt's Jinja cannot read the schema file. This
test derives those arguments from the schema file and fails on any drift - including a new JSON
Schema keyword that the dbt test would silently ignore.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCHEMA_FILE = PROJECT_DIR / "schemas" / "recap_payload.schema.json"
MARTS_YML = PROJECT_DIR / "models" / "marts" / "_marts__models.yml"

# JSON Schema keywords the dbt test knows how to check (or that carry no constraint).
ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs"}
OBJECT_KEYWORDS = {"type", "additionalProperties", "required", "properties"} | ANNOTATIONS
VALUE_KEYWORDS = {"type", "minimum", "maximum", "maxLength", "minLength"} | ANNOTATIONS
PAIR_LIST_KEYWORDS = {"type", "maxItems", "items"} | ANNOTATIONS
PAIR_KEYWORDS = {"type", "prefixItems", "minItems", "maxItems", "items"}


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    assert ref.startswith("#/$defs/"), f"only local $defs references are supported, got {ref}"
    return schema["$defs"][ref.removeprefix("#/$defs/")]


def contract_arguments_from_schema(schema: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The `payload_matches_contract` arguments that the schema file implies."""
    arguments: dict[str, list[dict[str, Any]]] = {"objects": [], "values": [], "pair_lists": []}

    def walk(node: dict[str, Any], path: list[Any]) -> None:
        node = _resolve(schema, node)
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        where = "/".join(map(str, path)) or "(root)"
        if types == ["object"]:
            assert set(node) <= OBJECT_KEYWORDS, f"{where}: the dbt test does not check {set(node) - OBJECT_KEYWORDS}"
            assert node.get("additionalProperties") is False, f"{where}: the dbt test checks exact key sets"
            assert list(node["properties"]) == node["required"], f"{where}: every property must be required"
            arguments["objects"].append({"path": path, "keys": node["required"]})
            for key, child in node["properties"].items():
                walk(child, path + [key])
        elif types == ["array"]:
            unchecked = set(node) - PAIR_LIST_KEYWORDS
            assert not unchecked, f"{where}: the dbt test does not check {unchecked}"
            pair = node["items"]
            assert set(pair) <= PAIR_KEYWORDS, f"{where} items: the dbt test does not check {set(pair) - PAIR_KEYWORDS}"
            assert pair["type"] == "array" and pair["minItems"] == pair["maxItems"] == 2 and pair["items"] is False
            name, count = pair["prefixItems"]
            assert set(name) <= {"type", "minLength"} and name["type"] == "string", f"{where}: pair names are strings"
            assert set(count) <= {"type", "minimum"} and count["type"] == "integer", \
                f"{where}: pair counts are integers"
            arguments["pair_lists"].append({"path": path, "max_items": node["maxItems"],
                                            "name_min_length": name.get("minLength", 0),
                                            "count_minimum": count.get("minimum")})
        else:
            unchecked = set(node) - VALUE_KEYWORDS
            assert not unchecked, f"{where}: the dbt test does not check {unchecked}"
            value: dict[str, Any] = {"path": path, "types": types}
            for keyword, argument in (("minimum", "minimum"), ("maximum", "maximum"),
                                      ("maxLength", "max_length"), ("minLength", "min_length")):
                if keyword in node:
                    value[argument] = node[keyword]
            arguments["values"].append(value)

    walk(schema, [])
    return arguments


def contract_arguments_in_dbt() -> dict[str, list[dict[str, Any]]]:
    models = yaml.safe_load(MARTS_YML.read_text())["models"]
    payload = next(c for m in models if m["name"] == "recap_payloads" for c in m["columns"] if c["name"] == "payload")
    test = next(t["payload_matches_contract"] for t in payload["data_tests"]
                if isinstance(t, dict) and "payload_matches_contract" in t)
    return test["arguments"]


def _canonical(arguments: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Order-insensitive comparison of argument lists (each entry as sorted JSON)."""
    return {kind: sorted(json.dumps(entry, sort_keys=True) for entry in entries) for kind, entries in arguments.items()}


def test_dbt_contract_test_arguments_match_the_json_schema_file() -> None:
    expected = contract_arguments_from_schema(json.loads(SCHEMA_FILE.read_text()))
    actual = contract_arguments_in_dbt()
    assert set(actual) == set(expected)
    assert _canonical(actual) == _canonical(expected)


def test_drift_check_notices_a_changed_bound() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    schema["properties"]["dreams"]["properties"]["top_percent"]["maximum"] = 99
    assert _canonical(contract_arguments_from_schema(schema)) != _canonical(contract_arguments_in_dbt())


def test_drift_check_refuses_a_keyword_the_dbt_test_cannot_check() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    schema["properties"]["user"]["properties"]["locale"]["pattern"] = "^[a-z]{2}$"
    try:
        contract_arguments_from_schema(schema)
    except AssertionError as error:
        assert "pattern" in str(error)
    else:
        raise AssertionError("a schema keyword the dbt test ignores went unnoticed")
