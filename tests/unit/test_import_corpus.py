"""Every service in the installed botocore whose protocols include `json` imports whole into a
spec that fits the spec format, or is refused with its reason. Slow (minutes): run it with
`python -m pytest -m slow tests/unit/test_import_corpus.py -s`; it prints the counts, the
time and every refusal."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import botocore
import botocore.loaders
import pytest

from generator.cli_import import import_spec
from generator.importers import emit
from generator.importers.assemble import Refused
from generator.importers.botocore import protocols_of


@pytest.mark.slow
def test_every_json_service_in_botocore_imports_or_is_refused_with_its_reason(tmp_path: Path) -> None:
    loader = botocore.loaders.Loader()
    services = [
        s
        for s in loader.list_available_services("service-2")
        if "json" in protocols_of(loader.load_service_model(s, "service-2")["metadata"])
    ]
    started = time.perf_counter()
    imported: dict[str, tuple[int, int, int]] = {}
    refused_services: dict[str, str] = {}
    refused_operations: dict[str, str] = {}
    kinds: Counter[str] = Counter()
    for service in services:
        try:
            result = import_spec(f"botocore:{service}", None, None, tmp_path / "spec.yaml")
        except Refused as exc:
            refused_services[service] = str(exc)
            continue
        emit.dump(result.spec)
        summary = result.summary
        imported[service] = (len(summary.imported), summary.operations_in_model, summary.shapes)
        refused_operations.update({f"{service}.{name}": reason for name, reason in summary.refused.items()})
        kinds.update(shape["type"] for shape in result.spec["shapes"].values())
    elapsed = time.perf_counter() - started
    operations = sum(i for i, _, _ in imported.values())
    print(
        f"\nbotocore {botocore.__version__}: {len(services)} services with json; {len(imported)} imported whole, {len(refused_services)} refused"
    )
    print(
        f"operations: {operations} imported, {len(refused_operations)} refused; shapes: {sum(s for _, _, s in imported.values())}; {elapsed:.1f} s"
    )
    print("shape kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for name, reason in sorted({**refused_services, **refused_operations}.items()):
        print(f"  refused {name}: {reason}")
    assert len(imported) + len(refused_services) == len(services)
    assert all(reason for reason in (*refused_services.values(), *refused_operations.values()))
    assert all(
        count + len([o for o in refused_operations if o.startswith(f"{s}.")]) == total
        for s, (count, total, _) in imported.items()
    )


@pytest.mark.slow
def test_every_json_service_in_botocore_is_generated_and_its_package_imports(tmp_path: Path) -> None:
    """The campaign of issue 10: import whole, generate, import the package, in a fresh
    interpreter each (a service's package must not see another's modules). Hours on a loaded
    machine; prints each service's outcome as it goes, then the counts and every refusal."""
    import subprocess
    import sys

    from generator.diagnostics import SpecError
    from generator.pipeline import compile_spec, generate

    loader = botocore.loaders.Loader()
    services = [
        s
        for s in loader.list_available_services("service-2")
        if "json" in protocols_of(loader.load_service_model(s, "service-2")["metadata"])
    ]
    started = time.perf_counter()
    outcomes: dict[str, str] = {}
    for service in services:
        spec = tmp_path / f"{service}.yaml"
        try:
            service_started = time.perf_counter()
            spec.write_text(emit.dump(import_spec(f"botocore:{service}", None, None, spec).spec), encoding="utf-8")
            generate(spec, tmp_path / "out" / service)
        except Refused as exc:
            outcomes[service] = f"refused at import: {exc}"
        except SpecError as exc:
            outcomes[service] = (
                "refused at generation: "
                + "; ".join(d.message for d in exc.diagnostics[:3])
                + (f" (+{len(exc.diagnostics) - 3} more)" if len(exc.diagnostics) > 3 else "")
            )
        else:
            package = compile_spec(spec).package
            done = subprocess.run(
                [sys.executable, "-c", f"import {package}.client, {package}.server"],
                cwd=tmp_path / "out" / service,
                capture_output=True,
                text=True,
                check=False,
            )
            outcomes[service] = (
                "ok" if done.returncode == 0 else f"does not import: {done.stderr.strip().splitlines()[-1][:200]}"
            )
            outcomes[service] += f" ({time.perf_counter() - service_started:.0f} s)" if done.returncode == 0 else ""
        print(f"  {service}: {outcomes[service]}", flush=True)
    elapsed = time.perf_counter() - started
    passed = [s for s, o in outcomes.items() if o.startswith("ok")]
    print(
        f"\nbotocore {botocore.__version__}: {len(services)} json services; {len(passed)} imported, generated and importable; {len(services) - len(passed)} not; {elapsed:.0f} s"
    )
    assert len(outcomes) == len(services)
    assert all(o.startswith("ok") or "refused" in o for o in outcomes.values()), [
        f"{s}: {o}" for s, o in outcomes.items() if not o.startswith("ok") and "refused" not in o
    ]
