"""Validator speed: generated validators vs fastjsonschema, jsonschema and the pydantic models.

Run: python bench/bench_validators.py [--quick]

Each contender validates the documented sample request and the sample response (with a
well-formed job id, so every contender accepts both) from the same exported schema. Prints
microseconds per call (best of several repeats) and ratios, all measured in one run, then
times a full `python -m generator` as a whole process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import pollforjobs
from pollforjobs import models

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import WELL_FORMED_JOB_ID, reference_samples


def samples() -> dict[str, Any]:
    request_text, response_text = reference_samples()
    response_text = response_text.replace('"ef66c259-64f9-EXAMPLE"', json.dumps(WELL_FORMED_JOB_ID))
    return {"request": json.loads(request_text), "response": json.loads(response_text)}


def contenders(direction: str) -> dict[str, Callable[[Any], object]]:
    root = {"request": "PollForJobsInput", "response": "PollForJobsOutput"}[direction]
    schema = json.loads((ROOT / "generated" / "pollforjobs" / "schemas" / f"{root}.schema.json").read_text())
    generated = pollforjobs.validate_request if direction == "request" else pollforjobs.validate_response
    model = getattr(models, root)
    return {
        "generated validators": generated,
        "fastjsonschema": fastjsonschema.compile(schema),
        "jsonschema": jsonschema.Draft202012Validator(schema).is_valid,
        "pydantic models": model.model_validate,
    }


def per_call_us(function: Callable[[Any], object], instance: Any, quick: bool) -> float:
    timer = timeit.Timer(lambda: function(instance))
    number, _ = timer.autorange()
    number = max(number // (4 if quick else 1), 1)
    best = min(timer.repeat(repeat=3 if quick else 7, number=number))
    return best / number * 1e6


def check_agreement(instance: Any, direction: str) -> None:
    generated = pollforjobs.validate_request if direction == "request" else pollforjobs.validate_response
    assert generated(instance) == [], f"{direction} sample is not valid"


def time_generator(runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "generator", "generate", "--spec", "specs/pollforjobs.yaml", "--out", out]
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for a smoke run)")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, pydantic {models.BaseModel.__module__ and __import__('pydantic').VERSION}, "
          f"fastjsonschema {fastjsonschema.VERSION}, jsonschema {__import__('importlib.metadata').metadata.version('jsonschema')}")
    for direction, instance in samples().items():
        check_agreement(instance, direction)
        figures = {name: per_call_us(fn, instance, args.quick) for name, fn in contenders(direction).items()}
        ours = figures["generated validators"]
        print(f"\n{direction} (documented sample{'' if direction == 'request' else ', well-formed job id'})")
        print(f"  {'contender':<22}{'us/call':>10}{'x generated':>14}")
        for name, value in figures.items():
            print(f"  {name:<22}{value:>10.2f}{value / ours:>14.2f}")
        print(f"  speed-up vs fastjsonschema: {figures['fastjsonschema'] / ours:.2f}x (target >= 2x); "
              f"vs pydantic: {figures['pydantic models'] / ours:.2f}x (target >= 1x)")
    runs = time_generator(3 if args.quick else 5)
    print(f"\nfull generation (python -m generator generate, whole process, {len(runs)} runs): "
          f"min {min(runs):.2f} s, median {statistics.median(runs):.2f} s, max {max(runs):.2f} s")


if __name__ == "__main__":
    main()
