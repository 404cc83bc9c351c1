"""`refresh` keeps the hand-written parts, prints what changed, and --check writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.importers import emit

from .botocore_models import widgets, write
from .cli import ROOT, run

HISTORY = ROOT / "tests" / "data" / "codepipeline-history"

EXAMPLE = {"title": "Get one.", "request": '{"AccountId": "111111111111", "widgetId": "w"}', "response": "{}"}
HANDLER = {"source": "handler.py", "module": "widgetstore"}
COMMON = {"type": "structure", "documentation": "Written by hand.", "members": {"detail": {"shape": "Detail"}}, "error": {"code": "ServiceUnavailable", "http_status": 503, "fault": "server"}}


def _hand_edit(spec_path: Path) -> dict[str, Any]:
    """What a person adds to an imported spec."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["service"]["package"] = "my_widgets"
    spec["service"]["local_handler"] = dict(HANDLER)
    spec["service"]["common_errors"] = ["ServiceUnavailable"]
    spec["shapes"]["ServiceUnavailable"] = dict(COMMON)
    spec["shapes"]["Detail"] = {"type": "string"}
    spec["operations"]["GetWidget"]["examples"] = [dict(EXAMPLE)]
    spec["service"]["documentation"] = "Our own words about widgets."
    spec["shapes"]["Widget"]["members"]["name"]["documentation"] = "The name we chose."
    spec["source"]["curated"] = ["service.documentation", "shapes.Widget.members.name.documentation"]
    spec_path.write_text(emit.dump(spec), encoding="utf-8")
    return spec


def _setup(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    model = write(tmp_path / "service-2.json", widgets())
    spec = tmp_path / "spec.yaml"
    assert run("import", "--model", str(model), "--out", str(spec), "--operations", "GetWidget").returncode == 0
    return model, spec, _hand_edit(spec)


def test_an_unchanged_model_leaves_the_spec_as_it_is(tmp_path: Path) -> None:
    _, spec, _ = _setup(tmp_path)
    before = spec.read_text(encoding="utf-8")
    done = run("refresh", "--spec", str(spec), "--check")
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    assert spec.read_text(encoding="utf-8") == before


def test_a_changed_model_is_reported_and_check_writes_nothing(tmp_path: Path) -> None:
    model_path, spec, hand = _setup(tmp_path)
    model = widgets()
    model["shapes"]["WidgetList"]["max"] = 20
    model["shapes"]["Widget"]["members"]["colour"] = {"shape": "Colour", "documentation": "<p>New.</p>"}
    model["shapes"]["Colour"] = {"type": "string", "enum": ["red"]}
    model["shapes"]["Widget"]["members"]["name"]["documentation"] = "<p>AWS's new words.</p>"
    model["documentation"] = "<p>AWS's new service words.</p>"
    write(model_path, model)
    before = spec.read_text(encoding="utf-8")
    check = run("refresh", "--spec", str(spec), "--check")
    assert check.returncode == 1, check.stderr
    assert spec.read_text(encoding="utf-8") == before
    assert "shape WidgetList: max 10 -> 20" in check.stdout
    assert "shape Widget: members +colour" in check.stdout and "shape Colour: added" in check.stdout
    assert "source.model_sha256:" in check.stdout
    assert "is behind" in check.stderr
    done = run("refresh", "--spec", str(spec))
    assert done.returncode == 0, done.stderr
    after = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert after["shapes"]["WidgetList"]["max"] == 20 and after["shapes"]["Colour"] == {"type": "string", "enum": ["red"]}
    # Every hand-written part is kept.
    assert after["service"]["package"] == "my_widgets" and after["service"]["local_handler"] == HANDLER
    assert after["service"]["common_errors"] == ["ServiceUnavailable"]
    assert after["shapes"]["ServiceUnavailable"] == COMMON and after["shapes"]["Detail"] == {"type": "string"}
    assert after["operations"]["GetWidget"]["examples"] == [EXAMPLE]
    assert after["service"]["documentation"] == hand["service"]["documentation"]
    assert after["shapes"]["Widget"]["members"]["name"]["documentation"] == "The name we chose."
    assert after["shapes"]["Widget"]["members"]["colour"]["documentation"] == "New."
    assert after["source"]["curated"] == hand["source"]["curated"]
    assert run("refresh", "--spec", str(spec), "--check").returncode == 0


def test_imported_text_that_is_not_curated_follows_the_model(tmp_path: Path) -> None:
    model_path, spec, _ = _setup(tmp_path)
    model = widgets()
    model["shapes"]["Widget"]["documentation"] = "<p>Reworded.</p>"
    write(model_path, model)
    assert run("refresh", "--spec", str(spec)).returncode == 0
    assert yaml.safe_load(spec.read_text(encoding="utf-8"))["shapes"]["Widget"]["documentation"] == "Reworded."


def test_a_curated_text_whose_place_is_gone_is_dropped_with_a_note(tmp_path: Path) -> None:
    model_path, spec, _ = _setup(tmp_path)
    model = widgets()
    del model["shapes"]["Widget"]["members"]["name"]
    write(model_path, model)
    done = run("refresh", "--spec", str(spec))
    assert done.returncode == 0, done.stderr
    assert "curated text shapes.Widget.members.name.documentation is dropped" in done.stderr
    assert yaml.safe_load(spec.read_text(encoding="utf-8"))["source"]["curated"] == ["service.documentation"]


def test_refresh_from_another_model_records_it(tmp_path: Path) -> None:
    _, spec, _ = _setup(tmp_path)
    other = widgets()
    other["shapes"]["token"]["max"] = 128
    write(tmp_path / "newer.json", other)
    done = run("refresh", "--spec", str(spec), "--model", str(tmp_path / "newer.json"))
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(spec.read_text(encoding="utf-8"))["source"]["model"] == "newer.json"


def test_a_spec_without_a_source_record_needs_a_model(tmp_path: Path) -> None:
    model, spec, _ = _setup(tmp_path)
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    del data["source"]
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    done = run("refresh", "--spec", str(spec))
    assert done.returncode == 2 and "the spec has no source record (source.model); pass --model SOURCE" in done.stderr
    assert "spec.yaml:1:1" in done.stderr
    given = run("refresh", "--spec", str(spec), "--model", str(model))
    assert given.returncode == 0, given.stderr
    refreshed = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert refreshed["source"]["operations"] == ["GetWidget"] and refreshed["service"]["package"] == "my_widgets"


def test_an_all_operations_spec_picks_up_new_operations(tmp_path: Path) -> None:
    model_path = write(tmp_path / "service-2.json", widgets())
    spec = tmp_path / "spec.yaml"
    assert run("import", "--model", str(model_path), "--out", str(spec)).returncode == 0
    model = widgets()
    model["operations"]["Ping"] = {"name": "Ping", "http": {"method": "POST", "requestUri": "/"}}
    write(model_path, model)
    done = run("refresh", "--spec", str(spec))
    assert "operation Ping: added" in done.stdout, done.stdout + done.stderr
    assert "Ping" in yaml.safe_load(spec.read_text(encoding="utf-8"))["operations"]


def test_a_spec_that_does_not_fit_the_format_is_a_located_error(tmp_path: Path) -> None:
    _, spec, _ = _setup(tmp_path)
    text = spec.read_text(encoding="utf-8").replace("operations:\n  GetWidget:", "operations:\n  getWidget:", 1)
    spec.write_text(text, encoding="utf-8")
    done = run("refresh", "--spec", str(spec), "--check")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "spec.yaml:" in done.stderr and "getWidget" in done.stderr


def test_refresh_prints_the_verdict_of_what_it_changed(tmp_path: Path) -> None:
    """A spec imported from CodePipeline's 2015 model, refreshed from the 2016 one: the
    queryParam values' new bounds break callers, and the verdict says so with the reasons
    (breaking changes and warnings listed, info counted); --check prints the same."""
    spec = tmp_path / "spec.yaml"
    assert run("import", "--model", str(HISTORY / "pollforjobs.2015-07-08.json"), "--out", str(spec), "--operations", "PollForJobs").returncode == 0
    newer = str(HISTORY / "pollforjobs.2016-06-21.json")
    check = run("refresh", "--spec", str(spec), "--model", newer, "--check")
    assert check.returncode == 1, check.stderr
    verdict = check.stdout[check.stdout.index("verdict: ") :].splitlines()
    assert verdict[0] == "verdict: 14 changes (2 breaking, 2 warning, 10 info): breaks callers"
    assert [line.split()[:3] for line in verdict[1:]] == [
        ["breaking", "request", "max-length-lowered:"],
        ["breaking", "request", "pattern-added:"],
        ["warning", "response", "enum-value-added:"],
        ["warning", "response", "max-length-raised:"],
    ]
    assert "falls from 250 to 20 characters (at $.shapes.QueryParamMap.value)" in verdict[1]
    done = run("refresh", "--spec", str(spec), "--model", newer)
    assert done.returncode == 0, done.stderr
    assert done.stdout[done.stdout.index("verdict: ") :].splitlines()[: len(verdict)] == verdict
    later = run("refresh", "--spec", str(spec), "--model", str(HISTORY / "pollforjobs.2019-04-30.json"))
    assert "verdict: " in later.stdout and "): breaks no caller" in later.stdout and "  breaking " not in later.stdout


def test_refresh_of_a_spec_the_generator_refuses_says_it_is_not_judged(tmp_path: Path) -> None:
    """A model change the checks refuse (a range whose min is above its max): no IR, so no
    verdict, and the refresh still works."""
    model_path, spec, _ = _setup(tmp_path)
    model = widgets()
    model["shapes"]["WidgetList"]["max"] = 20
    model["shapes"]["Size"]["min"] = 500
    write(model_path, model)
    done = run("refresh", "--spec", str(spec))
    assert done.returncode == 0, done.stderr
    assert "shape WidgetList: max 10 -> 20" in done.stdout
    [line] = [line for line in done.stdout.splitlines() if line.startswith("verdict: ")]
    assert line == "verdict: not judged: the refreshed spec has 1 error (generate --spec shows them)"


def test_add_operations_imports_them_and_keeps_the_hand_written_parts_and_source_record(tmp_path: Path) -> None:
    model, spec, hand = _setup(tmp_path)
    hand["source"]["model"] = "a-copy-of/service-2.json"  # the same content, recorded elsewhere
    spec.write_text(emit.dump(hand), encoding="utf-8")
    done = run("refresh", "--spec", str(spec), "--model", str(model), "--add-operations", "DeleteAll,GetWidget")
    assert done.returncode == 0, done.stderr
    assert "operation DeleteAll: added" in done.stdout
    after = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert list(after["operations"]) == ["DeleteAll", "GetWidget"]
    assert after["source"]["operations"] == ["DeleteAll", "GetWidget"]
    # The model's content did not change, so the record still says where it came from.
    assert after["source"]["model"] == "a-copy-of/service-2.json"
    assert after["source"]["model_sha256"] == hand["source"]["model_sha256"]
    assert after["operations"]["GetWidget"]["examples"] == [EXAMPLE]
    assert after["service"]["local_handler"] == HANDLER
    again = run("refresh", "--spec", str(spec), "--model", str(model), "--check")
    assert again.returncode == 0, again.stdout + again.stderr
