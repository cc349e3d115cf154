"""The video's payload contract on the JS side: the zod schema (remotion/src/payload/schema.ts)
against the shared JSON Schema, its error messages, the translated plan and the timeline.

Runs the TypeScript through remotion/worker/bin/payload-tool.mjs (esbuild bundle of src/lib.ts), so
what is tested is the code the compositions use.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
REMOTION_DIR = PROJECT_DIR / "remotion"
SAMPLES = sorted((REMOTION_DIR / "samples").glob("*.json"))
JSON_SCHEMA_PATH = PROJECT_DIR / "schemas" / "recap_payload.schema.json"
SAFE_INT = 2**53 - 1
FPS = 30


def payload_tool(*args: str, stdin: str | None = None) -> Any:
    """Run remotion/worker/bin/payload-tool.mjs and parse its JSON output."""
    assert (REMOTION_DIR / "node_modules").is_dir(), "remotion/node_modules missing: run `make setup`"
    proc = subprocess.run(
        ["node", "worker/bin/payload-tool.mjs", *args],
        cwd=REMOTION_DIR,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"payload-tool {args[0]} failed:\n{proc.stderr}"
    return json.loads(proc.stdout)


def load_sample(name: str) -> dict[str, Any]:
    return json.loads((REMOTION_DIR / "samples" / f"{name}.json").read_text(encoding="utf-8"))


# --- zod <-> JSON Schema --------------------------------------------------------------------


def normalize(node: Any, root: dict[str, Any]) -> Any:
    """A canonical form of a JSON Schema: refs resolved, annotations dropped, `T | null` written
    one way, type lists sorted, zod's implicit safe-integer bounds removed."""
    if isinstance(node, list):
        return [normalize(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        return normalize(target, root)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$schema", "$id", "title", "description", "$defs", "default", "examples"):
            continue
        out[key] = normalize(value, root)
    any_of = out.get("anyOf")
    if isinstance(any_of, list) and len(any_of) == 2 and {"type": ["null"]} in any_of:
        other = next(branch for branch in any_of if branch != {"type": ["null"]})
        del out["anyOf"]
        out.update(other)
        out["type"] = sorted({*other["type"], "null"})
    if "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = sorted(types)
    if out.get("minimum") == -SAFE_INT:
        del out["minimum"]
    if out.get("maximum") == SAFE_INT:
        del out["maximum"]
    if "required" in out:
        out["required"] = sorted(out["required"])
    return out


def canonical(schema: dict[str, Any]) -> Any:
    return normalize(schema, schema)


@pytest.fixture(scope="module")
def json_schema() -> dict[str, Any]:
    return json.loads(JSON_SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zod_json_schema() -> dict[str, Any]:
    return payload_tool("json-schema")


def test_zod_schema_matches_the_shared_json_schema(json_schema: dict[str, Any], zod_json_schema: dict[str, Any]) -> None:
    assert canonical(zod_json_schema) == canonical(json_schema)


@pytest.mark.parametrize(
    "drift",
    [
        lambda s: s["$defs"]["top3"].update(maxItems=4),
        lambda s: s["properties"]["dreams"]["properties"]["busiest_month"].update(maximum=13),
        lambda s: s["properties"]["dreams"]["required"].remove("top_percent"),
        lambda s: s["properties"]["user"]["properties"]["name"].update(type="string"),
        lambda s: s["properties"]["dreams"]["properties"].update(streak_start={"type": "integer"}),
        lambda s: s.update(additionalProperties=True),
    ],
    ids=["maxItems", "maximum", "required", "nullable", "new-field", "additionalProperties"],
)
def test_schema_comparison_detects_drift(json_schema: dict[str, Any], zod_json_schema: dict[str, Any], drift: Any) -> None:
    changed = copy.deepcopy(json_schema)
    drift(changed)
    assert canonical(zod_json_schema) != canonical(changed)


def test_every_sample_is_valid_for_both_schemas(json_schema: dict[str, Any], tmp_path: Path) -> None:
    assert len(SAMPLES) >= 10
    payloads = [json.loads(path.read_text(encoding="utf-8")) for path in SAMPLES]
    for path, payload in zip(SAMPLES, payloads, strict=True):
        jsonschema.validate(payload, json_schema), path.name
    batch = tmp_path / "samples.json"
    batch.write_text(json.dumps(payloads), encoding="utf-8")
    results = payload_tool("validate-each", str(batch))
    assert [r["ok"] for r in results] == [True] * len(SAMPLES), [
        (p.name, r) for p, r in zip(SAMPLES, results, strict=True) if not r["ok"]
    ]


# --- bad payloads: rejected with the field named -------------------------------------------


def _set(path: str, value: Any) -> Any:
    def apply(payload: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = payload
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _delete(path: str) -> Any:
    def apply(payload: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = payload
        for part in parents:
            node = node[part]
        del node[last]

    return apply


BAD_PAYLOADS = [
    ("total-zero", _set("dreams.total", 0), "invalid payload: dreams.total: expected an integer >= 1"),
    ("total-float", _set("dreams.total", 3.5), "invalid payload: dreams.total: expected an integer"),
    ("total-string", _set("dreams.total", "72"), "invalid payload: dreams.total: expected an integer"),
    ("month-13", _set("dreams.busiest_month", 13), "invalid payload: dreams.busiest_month: expected an integer <= 12"),
    ("top-percent-0", _set("dreams.top_percent", 0), "invalid payload: dreams.top_percent: expected an integer >= 1"),
    ("negative-lucid", _set("dreams.lucid", -1), "invalid payload: dreams.lucid: expected an integer >= 0"),
    ("year-too-early", _set("year", 1900), "invalid payload: year: expected an integer >= 1970"),
    ("missing-name", _delete("user.name"), "invalid payload: user.name: missing (expected a string)"),
    ("missing-dreams", _delete("dreams"), "invalid payload: dreams: missing (expected an object)"),
    ("four-persons", _set("persons", [["a", 4], ["b", 3], ["c", 2], ["d", 1]]), "invalid payload: persons: expected at most 3 items"),
    ("empty-place-name", _set("places.0.0", ""), "invalid payload: places.0.0: expected a string of a length >= 1"),
    ("zero-count", _set("emotions.1.1", 0), "invalid payload: emotions.1.1: expected an integer >= 1"),
    ("long-name", _set("user.name", "x" * 201), "invalid payload: user.name: expected a string of length <= 200"),
    ("extra-key", _set("dreams.bonus", 1), "invalid payload: dreams: unexpected key(s) bonus"),
    ("id-0", _set("user.id", 0), "invalid payload: user.id: expected an integer >= 1"),
    ("missing-list", _delete("persons"), "invalid payload: persons: missing (expected an array)"),
    ("null-count", _set("dreams.nightmares", None), "invalid payload: dreams.nightmares: expected an integer"),
]


def test_bad_payloads_are_rejected_with_the_field_named(json_schema: dict[str, Any], tmp_path: Path) -> None:
    payloads = []
    for _, mutate, _ in BAD_PAYLOADS:
        payload = load_sample("fr-three-of-each")
        mutate(payload)
        payloads.append(payload)
        # The shared JSON Schema rejects them too: the two sides agree.
        assert not jsonschema.Draft202012Validator(json_schema).is_valid(payload)
    batch = tmp_path / "bad.json"
    batch.write_text(json.dumps(payloads), encoding="utf-8")
    results = payload_tool("validate-each", str(batch))
    for (case, _, expected), result in zip(BAD_PAYLOADS, results, strict=True):
        assert not result["ok"], case
        assert result["error"].startswith(expected), (case, result["error"])


def test_several_bad_fields_are_all_named() -> None:
    payload = load_sample("en-no-name")
    payload["dreams"]["total"] = 0
    payload["year"] = "2026"
    result = payload_tool("validate", "-", stdin=json.dumps(payload))
    assert not result["ok"]
    assert result["error"].startswith("invalid payload: ")
    assert "dreams.total" in result["error"] and "year" in result["error"]


# --- words: the user's language ----------------------------------------------------------


def plain(text: str) -> str:
    """Intl writes French thin and no-break spaces; which one depends on the ICU version."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def plan_of(payload: dict[str, Any]) -> dict[str, Any]:
    return payload_tool("storyboard", "-", stdin=json.dumps(payload))


def scene(plan: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s["props"] for s in plan["scenes"] if s["name"] == name)


def test_french_sample_is_in_french() -> None:
    plan = plan_of(load_sample("fr-three-of-each"))
    assert plan["lang"] == "fr"
    assert scene(plan, "intro")["greeting"] == "Salut"
    assert scene(plan, "intro")["tail"] == "en rêves"
    assert scene(plan, "total")["unit"] == "rêves"
    assert scene(plan, "total")["comparison"] == "Soit 62 de plus que la moyenne des rêveurs."
    assert plain(scene(plan, "total")["badge"]) == "Top 3 % des rêveurs"
    assert scene(plan, "streak")["monthName"] == "Mars"
    assert scene(plan, "outro")["line"] == "Rendez-vous en"
    assert scene(plan, "outro")["year"] == "2027"
    assert plan["poster"]["title"] == "mon année en rêves"
    assert plan["poster"]["stats"][3]["value"] == "Mars"


def test_french_numbers_and_regional_tags_use_french_formatting() -> None:
    payload = load_sample("fr-no-name-empty")  # locale "fr_CA", one dream
    payload["dreams"]["total"] = 1234
    plan = plan_of(payload)
    assert plan["lang"] == "fr" and plan["intl"] == "fr-CA"
    assert plain(scene(plan, "total")["totalText"]) == "1 234"
    assert scene(plan, "intro")["name"] == "toi"  # friendly fallback, no name


def test_unsupported_or_missing_locale_falls_back_to_english() -> None:
    for sample in ("ar-rtl", "he-rtl", "en-no-name"):
        plan = plan_of(load_sample(sample))
        assert plan["lang"] == "en", sample
        assert scene(plan, "outro")["line"] == "See you in"
    assert scene(plan_of(load_sample("en-no-name")), "intro")["name"] == "dreamer"


def test_comparison_with_the_average_has_three_wordings() -> None:
    wordings = {}
    for difference in (5, -5, 0):
        payload = load_sample("en-three-of-each")
        payload["dreams"]["difference"] = difference
        wordings[difference] = scene(plan_of(payload), "total")["comparison"]
    assert wordings[5] == "That’s 5 more than the average dreamer."
    assert wordings[-5] == "That’s 5 fewer than the average dreamer."
    assert wordings[0].startswith("Exactly as many as the average")


def test_zero_lucid_and_zero_nightmares_have_their_own_wording() -> None:
    plan = plan_of(load_sample("en-zero-lucid-exact-average"))
    lucid = scene(plan, "lucid")
    assert lucid["lucid"]["valueText"] == "0"
    assert lucid["lucid"]["caption"] == "Next year, take the wheel."
    assert lucid["nightmares"]["caption"].startswith("Not a single one")


def test_top_percent_badge_only_for_the_top_ten_percent() -> None:
    payload = load_sample("en-three-of-each")
    payload["dreams"]["top_percent"] = 10
    assert scene(plan_of(payload), "total")["badge"] == "Top 10% of dreamers"
    payload["dreams"]["top_percent"] = 11
    assert scene(plan_of(payload), "total")["badge"] is None


def test_singular_wording_for_one() -> None:
    plan = plan_of(load_sample("en-minimum-three-dreams"))
    assert scene(plan, "streak")["streakUnit"] == "night"
    assert scene(plan, "persons")["items"][0]["countText"] == "1 dream"
    assert scene(plan, "lucid")["lucid"]["label"] == "lucid dream"


# --- languages: es, de, pt-BR, it, ja besides en and fr -----------------------------------

LANGUAGES = {"en", "fr", "es", "de", "pt-BR", "it", "ja"}


def locales(*tags: str) -> dict[str, Any]:
    return payload_tool("locales", *tags)


def plans_of(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Several storyboards from one node process."""
    return payload_tool("storyboard-each", "-", stdin=json.dumps(payloads))


def with_locale(sample: str, locale: str | None, **dreams: int) -> dict[str, Any]:
    payload = load_sample(sample)
    payload["user"]["locale"] = locale
    payload["dreams"].update(dreams)
    return payload


def test_the_seven_languages_are_supported() -> None:
    assert set(locales()["languages"]) == LANGUAGES


def test_every_language_has_a_sample_in_that_language() -> None:
    """The samples are what CI renders posters of (tests/test_video_render.py) and what
    docs/posters shows, so every language must have one."""
    tags = [load_sample(path.stem)["user"]["locale"] or "null" for path in SAMPLES]
    resolved = locales(*tags)["resolved"]
    assert {r["lang"] for r in resolved} == LANGUAGES
    for path, r in zip(SAMPLES, resolved, strict=True):
        prefix = path.stem.split("-")[0]
        if prefix in ("en", "fr", "es", "de", "pt", "it", "ja"):
            assert r["lang"].split("-")[0] == prefix, (path.name, r)


RESOLUTIONS = [  # (user.locale, strings used, Intl locale)
    ("de", "de", "de"),
    ("de-AT", "de", "de-AT"),
    ("de_CH", "de", "de-CH"),
    ("es-MX", "es", "es-MX"),
    ("es-419", "es", "es-419"),
    ("it-CH", "it", "it-CH"),
    ("ja-JP", "ja", "ja-JP"),
    ("pt", "pt-BR", "pt"),
    ("pt-BR", "pt-BR", "pt-BR"),
    ("pt_br", "pt-BR", "pt-BR"),
    ("pt-PT", "pt-BR", "pt-PT"),
    ("pt-AO", "pt-BR", "pt-AO"),
    ("FR-ca", "fr", "fr-CA"),
    ("en-GB", "en", "en-GB"),
    ("zh-CN", "en", "en"),
    ("ko", "en", "en"),
    ("xx", "en", "en"),
    ("not a tag!", "en", "en"),
    ("", "en", "en"),
    ("null", "en", "en"),
]


def test_locale_resolution_regional_variants_and_fallbacks() -> None:
    resolved = locales(*(tag for tag, _, _ in RESOLUTIONS))["resolved"]
    assert [(r["tag"], r["lang"], r["intl"]) for r in resolved] == RESOLUTIONS


def test_each_new_language_speaks_its_own_words() -> None:
    locales_ = ("es", "de", "pt-BR", "it", "ja")
    greetings = {}
    for locale, plan in zip(locales_, plans_of([with_locale("en-three-of-each", x) for x in locales_]), strict=True):
        greetings[locale] = (scene(plan, "intro")["greeting"], scene(plan, "outro")["line"], plan["poster"]["title"])
    assert greetings == {
        "es": ("Hola", "Nos vemos en", "mi año en sueños"),
        "de": ("Hey", "Wir sehen uns", "mein Jahr in Träumen"),
        "pt-BR": ("Oi", "A gente se vê em", "meu ano em sonhos"),
        "it": ("Ciao", "Ci vediamo nel", "il mio anno in sogni"),
        "ja": ("こんにちは", "次に会うのは", "わたしの夢の一年"),
    }


def test_german_plurals_come_from_intl() -> None:
    one, two, zero = plans_of(
        [
            with_locale("en-minimum-three-dreams", "de-DE", total=1, lucid=1, nightmares=1, longest_streak=1),
            with_locale("en-three-of-each", "de-DE", total=2, lucid=2, nightmares=2, longest_streak=2),
            with_locale("en-three-of-each", "de", lucid=0, nightmares=0),
        ]
    )
    assert scene(one, "total")["unit"] == "Traum" and scene(two, "total")["unit"] == "Träume"
    assert scene(one, "lucid")["lucid"]["label"] == "Klartraum"
    assert scene(two, "lucid")["lucid"]["label"] == "Klarträume"
    assert scene(one, "lucid")["nightmares"]["label"] == "Albtraum"
    assert scene(one, "streak")["streakUnit"] == "Nacht" and scene(two, "streak")["streakUnit"] == "Nächte am Stück"
    assert scene(one, "persons")["items"][0]["countText"] == "1 Traum"
    assert scene(two, "persons")["items"][0]["countText"] == "14 Träume"
    assert [s["label"] for s in one["poster"]["stats"][:2]] == ["Klartraum", "Albtraum"]
    # 0 is plural in German (Intl: "other").
    assert [s["label"] for s in zero["poster"]["stats"][:2]] == ["Klarträume", "Albträume"]


def test_japanese_has_one_form_for_every_count() -> None:
    counts = (0, 1, 5)
    plans = plans_of([with_locale("ja-cjk", "ja-JP", lucid=n, nightmares=n, longest_streak=max(n, 1)) for n in counts])
    assert {scene(p, "lucid")["lucid"]["label"] for p in plans} == {"明晰夢"}
    assert {scene(p, "streak")["streakUnit"] for p in plans} == {"夜連続"}
    labels = {tuple(s["label"] for s in p["poster"]["stats"]) for p in plans}
    assert labels == {("明晰夢", "悪夢", "夜連続", "いちばん夢を見た月")}
    plan = plans[0]
    assert [item["countText"] for item in scene(plan, "persons")["items"]] == ["夢に8回", "夢に5回", "夢に2回"]
    assert scene(plan, "streak")["monthName"] == "8月"
    # The pills take the month part of Intl's narrow month ("10", not "10月").
    assert scene(plan, "streak")["monthInitials"] == [str(m) for m in range(1, 13)]


def test_french_zero_takes_the_singular_everywhere() -> None:
    """Intl.PluralRules('fr') puts 0 in "one": "0 rêve lucide", and on the poster "0 lucide"."""
    # fr-no-name-empty: 0 lucid, 1 nightmare, a 1-night streak.
    zero_one = load_sample("fr-no-name-empty")
    plan, many = plans_of([zero_one, with_locale("fr-three-of-each", "fr", nightmares=0, longest_streak=2)])
    assert scene(plan, "lucid")["lucid"]["label"] == "rêve lucide"
    stats = [(s["value"], s["label"]) for s in plan["poster"]["stats"][:3]]
    assert stats == [("0", "lucide"), ("1", "cauchemar"), ("1", "nuit d’affilée")]
    assert [s["label"] for s in many["poster"]["stats"][:3]] == ["lucides", "cauchemar", "nuits d’affilée"]


def test_poster_labels_follow_the_count_in_english_too() -> None:
    one, zero = plans_of([with_locale("en-three-of-each", "en", nightmares=n) for n in (1, 0)])
    assert one["poster"]["stats"][1]["label"] == "nightmare"
    assert zero["poster"]["stats"][1]["label"] == "nightmares"


def test_portuguese_words_with_the_users_own_plural_and_number_rules() -> None:
    """pt-PT falls back to the Brazilian words, but Intl keeps its rules: 0 is singular in
    Brazil ("one") and plural in Portugal ("other"); 1234 groups in Brazil, not in Portugal."""
    brazil, portugal = plans_of([with_locale("pt-br-three-of-each", x, lucid=0, total=1234) for x in ("pt", "pt-PT")])
    assert brazil["lang"] == portugal["lang"] == "pt-BR"
    assert scene(brazil, "lucid")["lucid"]["label"] == "sonho lúcido"
    assert scene(portugal, "lucid")["lucid"]["label"] == "sonhos lúcidos"
    assert scene(brazil, "total")["totalText"] == "1.234"
    assert plain(scene(portugal, "total")["totalText"]) in ("1234", "1 234")
    assert scene(brazil, "intro")["greeting"] == scene(portugal, "intro")["greeting"] == "Oi"


def test_numbers_months_and_percent_in_each_language() -> None:
    expected = {
        "de-DE": ("1.234", "März", "Unter den Top 3 %"),
        "es-ES": ("1234", "Marzo", "Top 3 % en sueños"),
        "it-IT": ("1234", "Marzo", "Top 3% di chi sogna"),
        "pt-BR": ("1.234", "Março", "Top 3% de quem sonha"),
        "ja-JP": ("1,234", "3月", "夢の記録 上位3%"),
    }
    plans = plans_of([with_locale("en-three-of-each", x, total=1234, busiest_month=3, top_percent=3) for x in expected])
    for (locale, (total, month, badge)), plan in zip(expected.items(), plans, strict=True):
        total_scene = scene(plan, "total")
        got = (plain(total_scene["totalText"]), scene(plan, "streak")["monthName"], plain(total_scene["badge"]))
        assert got == (total, month, badge), locale


# --- timeline ------------------------------------------------------------------------------


def timeline_of(payload: dict[str, Any]) -> dict[str, Any]:
    return payload_tool("timeline", "-", stdin=json.dumps(payload))


@pytest.mark.parametrize("sample", [p.stem for p in SAMPLES])
def test_timeline_is_contiguous_20_to_35_seconds_with_holds(sample: str) -> None:
    timeline = timeline_of(load_sample(sample))
    assert (timeline["width"], timeline["height"], timeline["fps"]) == (1080, 1920, FPS)
    assert 20 * FPS <= timeline["durationInFrames"] <= 35 * FPS
    position = 0
    for entry in timeline["scenes"]:
        assert entry["from"] == position
        assert entry["from"] < entry["settledAt"] < entry["from"] + entry["durationInFrames"]
        position += entry["durationInFrames"]
    assert position == timeline["durationInFrames"]
    names = [entry["name"] for entry in timeline["scenes"]]
    assert names[0] == "intro" and names[-1] == "outro"


def test_scenes_without_data_are_skipped() -> None:
    names = [s["name"] for s in timeline_of(load_sample("en-empty-lists"))["scenes"]]
    assert names == ["intro", "total", "lucid", "streak", "outro"]
    names = [s["name"] for s in timeline_of(load_sample("he-rtl"))["scenes"]]
    assert "emotions" not in names and "persons" in names and "places" in names


def test_outro_cache_key_is_shared_by_users_of_the_same_language_and_year() -> None:
    def outro_key(payload: dict[str, Any]) -> str:
        return next(s["cacheKey"] for s in timeline_of(payload)["scenes"] if s["name"] == "outro")

    a, b = load_sample("en-three-of-each"), load_sample("en-long-names")
    assert outro_key(a) == outro_key(b)
    b["year"] = 2025
    assert outro_key(a) != outro_key(b)
    assert outro_key(a) != outro_key(load_sample("fr-three-of-each"))
