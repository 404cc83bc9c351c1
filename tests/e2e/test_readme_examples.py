"""Every fenced code block of the README runs as written, or is on the short list of blocks
that are not commands, each with its reason; a new block that is neither fails the test.

Each block is run as what it is: shell blocks by bash, Python blocks by `exec` (compiled with
the README's line numbers, so a traceback points into README.md), the JavaScript snippet by
node, JSON blocks as the files the server command names. What a block shows is checked: the
output its comments give, the files and lines its commands print, the jobs a client gets.
Commands that write run in a temporary copy of the project (generator/, templates/, specs/,
generated/), never in the checkout.

The one change made to the text that runs: the README's servers listen on port 8080; here they
get `0` instead (the kernel picks a free port, which the server's `Uvicorn running on …` line
names) and the clients that port instead of `8080`.

Benchmarks are not run in the suite (their --quick modes take 6 to 35 s each on the 2-core
machine): each bench command runs with `--help`, which imports the script and shows that every
option the README gives exists.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import ROOT, reference_samples
from ..support.generated_package import imported
from ..support.readme import README, Block, readme_blocks
from ..support.server_harness import poll_body, post, signed_headers

TYPESCRIPT_TEST = "tests/e2e/test_export_typescript.py::test_samples_readme_example_and_a_two_operation_spec_type_check"


@dataclass(frozen=True)
class Expected:
    """A README block: where it is, what its first line looks like, and who runs it (or why not)."""

    name: str
    section: str
    language: str
    first_line: str  # a regular expression
    checked_by: str = ""  # a test in this file, or "path::test" elsewhere
    not_a_command: str = ""

    def matches(self, block: Block) -> bool:
        first = block.text.splitlines()[0] if block.text else ""
        return block.section == self.section and block.language == self.language and re.match(self.first_line, first) is not None


EXPORTS = "## Exports for other languages"
EXPECTED = [
    Expected("quick start", "## Quick start", "sh", r"python -m pip install ", "test_quick_start_is_two_commands_that_ci_runs"),
    Expected(
        "command-line reference",
        "## Command line",
        "text",
        r"python -m generator +# regenerate",
        not_a_command="the forms of the commands, with placeholders (`api.yaml`, `...`); tests/unit/test_cli.py, test_config.py and test_watch.py run every form",
    ),
    Expected("summary lines", "## Command line", "text", r"generated/: ", "test_summary_lines_are_what_the_commands_print"),
    Expected("spec errors", "## Command line", "text", r"specs/pollforjobs\.yaml:\d+:\d+: error: ", "test_spec_errors_are_what_the_command_prints"),
    Expected("configuration", "### Configuration", "toml", r"\[tool\.aws-binding-generator\]$", "tests/unit/test_config.py::test_readme_configuration_is_this_projects_own"),
    Expected("build hook", "### Build hook", "toml", r"\[build-system\]$", "tests/e2e/test_build_hook.py::test_readme_hook_block_is_what_the_sample_uses"),
    Expected("pre-commit", "### pre-commit", "yaml", r"repos:$", "tests/e2e/test_pre_commit.py::test_readme_config_uses_the_declared_hooks"),
    Expected("spec format", "## The spec format", "yaml", r"spec_version: 1$", "test_spec_format_example_generates_and_imports"),
    Expected(
        "format keys",
        "## The spec format",
        "yaml",
        r"source: ",
        not_a_command="a list of the keys for what AWS models contain, which the generator does not all generate yet; the next block uses those it does",
    ),
    Expected("shape kinds", "## The spec format", "yaml", r"# A union ", "test_shape_kinds_example_generates_and_carries_each_kind"),
    Expected("import commands", "## Importing from AWS models", "sh", r"python -m generator import ", "test_import_commands"),
    Expected("import summary", "## Importing from AWS models", "text", r"\$ python -m generator import ", "test_import_summary_is_what_the_command_prints"),
    Expected("diff commands", "## Spec evolution", "sh", r"python -m generator diff git:HEAD:", "test_diff_commands"),
    Expected("diff example", "## Spec evolution", "text", r"\$ python -m generator diff ", "test_diff_example_is_what_the_command_prints"),
    Expected(
        "diff json form",
        "## Spec evolution",
        "text",
        r'\{"breaking": bool',
        not_a_command="the form of diff's JSON, with placeholders; tests/unit/test_diff_cli.py checks what the command prints against it",
    ),
    Expected("diff in ci", "## Spec evolution", "yaml", r"# \.github/workflows/", "test_diff_ci_step_fails_a_pull_request_that_breaks_callers"),
    Expected("validators", "## What gets generated", "python", r"import pollforjobs$", "test_validators_example_prints_what_its_comments_say"),
    Expected("layout", "## Layout", "text", r"", not_a_command="a map of the repository's folders"),
    Expected("golden", "## Golden files", "sh", r"python -m generator +#", "test_golden_file_commands"),
    Expected("golden inventory", "## Golden files", "sh", r"python -m generator --specs tests/generality ", "test_inventory_golden_command"),
    Expected("bench", "## Benchmarks", "sh", r"python bench/", "test_bench_commands_start"),
    Expected("server command", "### Server", "sh", r"python -m pollforjobs\.server ", "test_server_command_serves_the_seed_file"),
    Expected("seed file", "### Server", "json", r"\{$", "test_server_command_serves_the_seed_file"),
    Expected("credentials file", "### Server", "json", r'\{"', "test_server_command_serves_the_seed_file"),
    Expected("boto3", "### Server", "python", r"import boto3$", "test_boto3_example_gets_the_seeded_job"),
    Expected("aws cli", "### Server", "sh", r"AWS_ACCESS_KEY_ID=", "test_aws_cli_example"),
    Expected("own handler", "### Server", "python", r"import uvicorn$", "test_own_handler_example_serves_and_stops"),
    Expected("client", "### Client", "python", r"from pollforjobs import ", "test_client_example_with_the_servers_credentials"),
    Expected("exports", EXPORTS, "sh", r"python -m generator export ", "test_export_commands_write_what_their_comments_say"),
    Expected("ajv", EXPORTS, "js", r"const Ajv2020 ", "test_ajv_snippet_compiles_the_exported_schema"),
    Expected("spectral", EXPORTS, "sh", r"npx --prefix tests/js spectral ", "test_spectral_command_passes"),
    Expected("typescript", EXPORTS, "ts", r"import type ", TYPESCRIPT_TEST),
]


def test_every_readme_block_is_run_or_listed_with_its_reason() -> None:
    blocks = readme_blocks()
    for block in blocks:
        names = [e.name for e in EXPECTED if e.matches(block)]
        assert len(names) == 1, (
            f"README.md:{block.line}: a ```{block.language} block under '{block.section}' is "
            + (f"claimed by {names}" if names else "not run by any test and not on the list of blocks that are not commands")
        )
    for expected in EXPECTED:
        found = [b.line for b in blocks if expected.matches(b)]
        assert len(found) == 1, f"the {expected.name} block: found at README.md lines {found}"
        assert bool(expected.checked_by) != bool(expected.not_a_command), expected
        if expected.checked_by:
            path, _, name = expected.checked_by.rpartition("::")
            module = import_module(path.removesuffix(".py").replace("/", ".")) if path else sys.modules[__name__]
            assert callable(getattr(module, name, None)), f"{expected.checked_by} does not exist"


def block(name: str) -> Block:
    [expected] = [e for e in EXPECTED if e.name == name]
    [found] = [b for b in readme_blocks() if expected.matches(b)]
    return found


def commands(found: Block) -> list[tuple[str, str]]:
    """The shell commands of a block, continuation lines joined, each with its trailing comment."""
    joined = found.text.replace("\\\n", " ")
    result = []
    for line in joined.splitlines():
        command, _, comment = line.partition(" #")
        if command.strip():
            result.append((command.strip(), comment.strip()))
    return result


def with_port(text: str, port: int) -> str:
    assert "8080" in text
    return text.replace("8080", str(port))


def environment(**extra: str) -> dict[str, str]:
    """This interpreter's bin folder first on PATH, so `python` and `aws` are the test run's."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **extra}


def shell(command: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=environment(**extra), capture_output=True, text=True, timeout=180, check=False)


def run_python(found: Block, text: str | None = None) -> tuple[dict[str, Any], str]:
    """Execute a Python block; its namespace and what it printed."""
    source = found.text if text is None else text
    code = compile("\n" * found.line + source, str(README), "exec")
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, namespace)  # noqa: S102 - the README's own examples, which this test exists to run
    return namespace, printed.getvalue()


def project_copy(folder: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache", "*.egg-info")
    for name in ("generator", "templates", "specs", "generated"):
        shutil.copytree(ROOT / name, folder / name, ignore=ignore)
    return folder


def packages(folder: Path) -> dict[str, dict[str, bytes]]:
    """The generator's packages in an output folder: each one's files, as its marker lists them."""
    found = {}
    for marker in sorted(folder.glob("*/.generated.json")):
        names = [".generated.json", *json.loads(marker.read_text(encoding="utf-8"))["files"]]
        found[marker.parent.name] = {name: (marker.parent / name).read_bytes() for name in names}
    return found


# --- Quick start ---------------------------------------------------------------------------


def test_quick_start_is_two_commands_that_ci_runs() -> None:
    """Two commands, one block. CI (.ci/run) runs the install steps, with flags that only quiet
    them, and then the test command; it does not run `python -m generator`, which would rewrite
    generated/ before the golden test compares it (test_golden_file_commands runs that here)."""
    lines = [line for line in block("quick start").text.splitlines() if line.strip()]
    assert len(lines) == 2, lines
    install, test = lines
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    ci_commands = [line for line in ci if line and not line.startswith(("#", "if ", "fi", "set ", "cd ", ". "))]
    assert ci_commands[-1] == test == "python -m pytest"
    quiet = re.compile(r" (--quiet|--no-audit|--no-fund|--loglevel=error)(?= |$)")
    unquieted = [quiet.sub("", line) for line in ci_commands]
    steps = [step.strip() for step in install.split("&&")]
    assert steps[-1] == "python -m generator"
    for step in steps[:-1]:
        assert step in unquieted, f"CI does not run the quick start's {step!r}"


# --- Command line, golden files ---------------------------------------------------------------


@dataclass
class GoldenRun:
    project: Path
    regenerate: subprocess.CompletedProcess[str]
    check: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def golden_run(tmp_path_factory: pytest.TempPathFactory) -> GoldenRun:
    """The golden-file commands in a project copy that also holds `oldapi`, a package the
    generator wrote (the spec-format example, generated as `oldapi`) whose spec is gone."""
    project = project_copy(tmp_path_factory.mktemp("golden"))
    spec = yaml.safe_load(block("spec format").text)
    spec["service"]["package"] = "oldapi"
    old_spec = tmp_path_factory.mktemp("old-spec") / "oldapi.yaml"
    old_spec.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert shell(f"python -m generator generate --spec {old_spec} --out generated -q", project).returncode == 0
    assert (project / "generated" / "oldapi" / ".generated.json").is_file()
    (regenerate, _), (check, _) = commands(block("golden"))
    return GoldenRun(project, shell(regenerate, project), shell(check, project))


def test_golden_file_commands(golden_run: GoldenRun) -> None:
    """`python -m generator` refreshes generated/ (here: already current, and the stale package
    removed); `check` then exits 0. Its stale case (exit 1, a diff) is
    tests/e2e/test_golden.py::test_check_command_exits_1_with_a_diff_when_stale."""
    assert golden_run.regenerate.returncode == 0, golden_run.regenerate.stderr
    assert golden_run.check.returncode == 0, golden_run.check.stdout + golden_run.check.stderr
    assert golden_run.regenerate.stderr == golden_run.check.stderr == ""
    assert packages(golden_run.project / "generated") == packages(ROOT / "generated")
    assert not (golden_run.project / "generated" / "oldapi").exists()


def test_inventory_golden_command(tmp_path: Path) -> None:
    """Run where the repository's layout is copied: the committed record is current, and the
    command rebuilds a deleted one byte for byte."""
    shutil.copytree(ROOT / "tests" / "generality", tmp_path / "tests" / "generality")
    [(command, _)] = commands(block("golden inventory"))
    current = shell(command, tmp_path)
    assert current.returncode == 0, current.stderr
    marker = json.loads((ROOT / "tests" / "generality" / "golden" / "inventory_api" / ".generated.json").read_text(encoding="utf-8"))
    files = len(marker["files"]) + 1  # and the marker itself
    assert current.stdout == f"tests/generality/golden/: 1 package up to date (inventory_api, {files} files)\n"
    shutil.rmtree(tmp_path / "tests" / "generality" / "golden")
    rebuilt = shell(command, tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert packages(tmp_path / "tests" / "generality" / "golden") == packages(ROOT / "tests" / "generality" / "golden")


def test_summary_lines_are_what_the_commands_print(golden_run: GoldenRun) -> None:
    project = golden_run.project
    written = shell("python -m generator generate --spec specs/pollforjobs.yaml --out build/", project)
    exported = shell("python -m generator export --format typescript --out web/src/aws/", project)
    printed = [golden_run.check.stdout, written.stdout, golden_run.regenerate.stdout, exported.stdout]
    assert "".join(printed) == block("summary lines").text


def test_spec_errors_are_what_the_command_prints(tmp_path: Path) -> None:
    """The errors the README shows come from specs/pollforjobs.yaml with a misspelt shape name
    (which also leaves ActionCategory unused) and QueryParamMap's min raised above its max."""
    (tmp_path / "specs").mkdir()
    text = (ROOT / "specs" / "pollforjobs.yaml").read_text(encoding="utf-8")
    assert text.count("        shape: ActionCategory\n") == 1
    text = text.replace("        shape: ActionCategory\n", "        shape: ActionCategori\n")
    text, replaced = re.subn(r"(  QueryParamMap:\n    type: map\n(?:    (?!min:)\w+: .*\n)*    min: )0\n", r"\g<1>5\n", text)
    assert replaced == 1
    (tmp_path / "specs" / "pollforjobs.yaml").write_text(text, encoding="utf-8")
    result = shell("python -m generator", tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == block("spec errors").text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["specs"], "nothing was written"


# --- The spec format, What gets generated -------------------------------------------------


def test_shape_kinds_example_generates_and_carries_each_kind(tmp_path: Path) -> None:
    """The README's shape-kinds spec, as written: a client sends a recursive union holding a
    document and a blob to the generated server, which answers an ISO 8601 timestamp."""
    import uuid
    from datetime import UTC, datetime

    from ..support.server_harness import Served

    text = block("shape kinds").text
    (tmp_path / "forms.yaml").write_text(text, encoding="utf-8")
    seen: list[Any] = []
    when = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

    class Handler:
        def submit_form(self, request: Any) -> Any:
            seen.append(request)
            return {"receivedAt": when, "echo": request.form}

    with imported(tmp_path / "forms.yaml", tmp_path / "build", "forms") as api:
        server, client_module = import_module("forms.server"), import_module("forms.client")
        form = {"group": [{"text": "name"}, {"signature": "AQID"}, {"extra": {"any": ["json", 1]}}]}
        with Served(server.create_app(Handler())) as served:
            client = client_module.FormsClient(region_name="us-east-1", endpoint_url=served.url, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
            answer = client.submit_form(form=form)
        assert answer.received_at == when and answer.echo.group[1].signature == b"\x01\x02\x03"
        assert answer.model_dump(by_alias=True, exclude_none=True, mode="json") == {"receivedAt": "2024-06-01T12:00:00Z", "echo": form}
        assert uuid.UUID(seen[0].token).version == 4
        (problem,) = api.validate_request({"form": {"text": "a", "extra": 1}})
        assert "exactly one member set, not 2" in problem.message


def test_spec_format_example_generates_and_imports(tmp_path: Path) -> None:
    text = block("spec format").text
    assert "..." not in text and "…" not in text
    spec = yaml.safe_load(text)
    (tmp_path / "api.yaml").write_text(text, encoding="utf-8")
    package = spec["service"]["package"]
    with imported(tmp_path / "api.yaml", tmp_path / "build", package) as api:
        for module in sorted(p.stem for p in (tmp_path / "build" / package).glob("*.py")):
            import_module(f"{package}.{module}")
        client = import_module(f"{package}.client")
        assert hasattr(client, f"{spec['service']['name']}Client")
        sensitive_members = {
            member
            for shape in spec["shapes"].values()
            for member, target in shape.get("members", {}).items()
            if spec["shapes"][target["shape"]].get("sensitive")
        }
        for operation in spec["operations"].values():
            for example in operation["examples"]:
                assert api.validate_request(json.loads(example["request"])) == []
                response = json.loads(example["response"])
                output = api.read_response(response)
                secrets = [value for key, value in items(response) if key in sensitive_members]
                assert secrets, "the example response shows a sensitive member"
                assert all(value not in repr(output) for value in secrets)


def items(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of a JSON value, at any depth."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key, inner
            yield from items(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from items(inner)


def test_validators_example_prints_what_its_comments_say() -> None:
    found = block("validators")
    namespace, printed = run_python(found)
    assert printed.splitlines() == printed_by_comments(found.text)
    assert namespace["wire"] == {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "Jenkins", "version": "1"}}


def printed_by_comments(text: str) -> list[str]:
    """The comment lines right after a `print(` line are what it prints, wrapped at spaces."""
    lines = text.splitlines()
    expected = []
    for number, line in enumerate(lines):
        if line.startswith("print("):
            shown = []
            for following in lines[number + 1 :]:
                if not following.startswith("# "):
                    break
                shown.append(following[2:])
            expected.append(" ".join(shown))
    assert expected, "the example shows no output"
    return expected


# --- Benchmarks -----------------------------------------------------------------------------


def test_bench_commands_start() -> None:
    runs = []
    for command, _ in commands(block("bench")):
        help_command = ["bash", "-c", f"{command} --help"]
        process = subprocess.Popen(help_command, cwd=ROOT, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        runs.append((command, process))
    for command, process in runs:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, (command, err)
        assert out.startswith("usage: "), (command, out)
        for option in re.findall(r" (--[a-z-]+)", command):
            # Whole options only: argparse would also take an abbreviation of one.
            assert re.search(rf"(?<![\w-]){option}(?![\w-])", out), (command, option)


# --- Server and client ----------------------------------------------------------------------


class ReadmeServer:
    """The README's server command, run in a folder with the README's jobs.json and credentials.json."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seed = json.loads(block("seed file").text)
        self.credentials: dict[str, str] = json.loads(block("credentials file").text)
        self.unclaimed = list(self.seed["jobs"])  # jobs no example has been handed yet
        [(command, _)] = commands(block("server command"))
        self.process, self.port, self.log = started(with_port(command, 0), folder)

    def take(self, count: int) -> list[dict[str, Any]]:
        taken, self.unclaimed = self.unclaimed[:count], self.unclaimed[count:]
        return taken

    def stop(self) -> int:
        return interrupt(self.process)


def started(command: str, folder: Path) -> tuple[subprocess.Popen[str], int, list[str]]:
    """Start `command` with bash in a session of its own; wait for uvicorn to name its port."""
    process = subprocess.Popen(
        ["bash", "-c", command], cwd=folder, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    log: list[str] = []
    port: list[int] = []
    running = threading.Event()

    def read() -> None:
        assert process.stderr
        for line in process.stderr:
            log.append(line)
            found = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", line)
            if found:
                port.append(int(found.group(1)))
                running.set()
        running.set()

    threading.Thread(target=read, daemon=True).start()
    if not running.wait(60) or not port:
        interrupt(process)
        raise AssertionError(f"{command!r} did not start:\n" + "".join(log))
    return process, port[0], log


def interrupt(process: subprocess.Popen[str]) -> int:
    """Ctrl-C: SIGINT to the process group the command was started in."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise


@pytest.fixture(scope="module")
def readme_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadmeServer]:
    folder = tmp_path_factory.mktemp("readme-server")
    (folder / "jobs.json").write_text(block("seed file").text, encoding="utf-8")
    (folder / "credentials.json").write_text(block("credentials file").text, encoding="utf-8")
    server = ReadmeServer(folder)
    try:
        yield server
    finally:
        server.stop()


def test_server_command_serves_the_seed_file(readme_server: ReadmeServer) -> None:
    """It listens, requires signatures by the credentials file's keys, and knows the seed's
    action types (the seeded jobs themselves go to the examples below)."""
    url = f"http://127.0.0.1:{readme_server.port}"
    assert post(url, poll_body()).json["__type"] == "MissingAuthenticationTokenException"
    [(key, secret)] = readme_server.credentials.items()
    [empty_type] = readme_server.seed["actionTypes"]
    body = json.dumps({"actionTypeId": empty_type}).encode()
    answer = post(url, body, signed_headers(url, body, access_key=key, secret_key=secret))
    assert (answer.status, answer.json) == (200, {"jobs": []})


def seeded_part(job: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """What a hand-out has of its seed-file job: the data, less the artifact credentials each
    hand-out gets (checked here), and the account."""
    data = dict(job["data"])
    credentials = data.pop("artifactCredentials")
    assert set(credentials) == {"accessKeyId", "secretAccessKey", "sessionToken"}
    return data, job["accountId"]


def test_boto3_example_gets_the_seeded_job(readme_server: ReadmeServer) -> None:
    found = block("boto3")
    namespace, _ = run_python(found, with_port(found.text, readme_server.port))
    expected = readme_server.take(5)
    assert all(job["data"]["actionConfiguration"]["configuration"]["ProjectName"] == "demo" for job in expected)
    jobs = namespace["jobs"]
    assert [seeded_part(job) for job in jobs] == [(job["data"], job["accountId"]) for job in expected]
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", job["id"]) for job in jobs)


def test_aws_cli_example(readme_server: ReadmeServer, tmp_path: Path) -> None:
    """Prints the jobs left for the action type as JSON (none, once the boto3 example has run)."""
    [(command, _)] = commands(block("aws cli"))
    isolated = {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }
    result = shell(with_port(command, readme_server.port), tmp_path, **isolated)
    assert result.returncode == 0, result.stderr
    expected = readme_server.take(5)
    printed = json.loads(result.stdout)
    assert [seeded_part(job) for job in printed["jobs"]] == [(job["data"], job["accountId"]) for job in expected]


def test_own_handler_example_serves_and_stops(tmp_path: Path) -> None:
    """Run as a script until it answers a poll signed by the README's credentials, then Ctrl-C."""
    (tmp_path / "worker.py").write_text(with_port(block("own handler").text, 0), encoding="utf-8")
    process, port, log = started("python worker.py", tmp_path)
    try:
        [(key, secret)] = json.loads(block("credentials file").text).items()
        url = f"http://127.0.0.1:{port}"
        answer = post(url, poll_body(), signed_headers(url, poll_body(), access_key=key, secret_key=secret))
        assert (answer.status, answer.json) == (200, {"jobs": []})
    finally:
        status = interrupt(process)
    assert status == 0, "".join(log)


def test_client_example_with_the_servers_credentials(readme_server: ReadmeServer) -> None:
    """With the server's credentials file the call succeeds (before issue 8 the keys differed
    and it raised UnrecognizedClientException); it prints the id and nonce of each job left."""
    found = block("client")
    namespace, printed = run_python(found, with_port(found.text, readme_server.port))
    expected = readme_server.take(5)
    assert len(namespace["output"].jobs or []) == len(expected)
    assert len(printed.splitlines()) == len(expected)
    assert all(re.fullmatch(r"[0-9a-f-]{36} \d+", line) for line in printed.splitlines())


def test_server_exit_statuses(readme_server: ReadmeServer) -> None:
    """As the README says: 3 when the port is taken (here by the server already running), 0
    after Ctrl-C, and ended by the signal after SIGTERM. (2 for bad options and files:
    tests/e2e/test_server_sdks.py and the option-range tests.)"""
    [(command, _)] = commands(block("server command"))
    port = readme_server.port
    taken = shell(with_port(command, port), readme_server.folder)
    assert taken.returncode == 3, taken.stderr
    bind_error = f"[Errno 98] error while attempting to bind on address ('127.0.0.1', {port}): address already in use"
    assert bind_error in taken.stderr
    assert bind_error.replace(f"{port}", "8080") in README.read_text(encoding="utf-8").replace("\n", " "), "the README quotes it"
    assert readme_server.stop() == 0, "".join(readme_server.log)
    process, _, log = started(with_port(command, 0), readme_server.folder)
    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(30) == -signal.SIGTERM, "".join(log)


# --- Exports ----------------------------------------------------------------------------------

TYPESCRIPT_OUT_AWS = "python -m generator export --format typescript --out aws"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[subprocess.CompletedProcess[str]]]:
    project = project_copy(tmp_path_factory.mktemp("exports"))
    return project, [shell(command, project) for command, _ in commands(block("exports"))]


def test_export_commands_write_what_their_comments_say(exported: tuple[Path, list[subprocess.CompletedProcess[str]]]) -> None:
    """Each writes the files its comment names, equal to the committed ones under generated/."""
    project, results = exported
    for (command, comment), result in zip(commands(block("exports")), results, strict=True):
        assert result.returncode == 0, (command, result.stderr)
        files = sorted(project.glob(comment))
        assert files, (command, comment)
        for path in files:
            committed = ROOT / "generated" / path.relative_to(project / "DIR")
            assert path.read_bytes() == committed.read_bytes(), path


def test_typescript_example_import_path_is_the_documented_export(tmp_path: Path) -> None:
    """The TypeScript example imports ./aws/pollforjobs/types; the README says which command
    writes it, and that command writes the declarations the TypeScript test compiles it with."""
    section = README.read_text(encoding="utf-8").split(f"\n{EXPORTS}\n", 1)[1].split("\n## ", 1)[0]
    assert f"`{TYPESCRIPT_OUT_AWS}`" in section
    assert 'from "./aws/pollforjobs/types"' in block("typescript").text
    project = project_copy(tmp_path)
    result = shell(TYPESCRIPT_OUT_AWS, project)
    assert result.returncode == 0, result.stderr
    written = project / "aws" / "pollforjobs" / "types.d.ts"
    assert written.read_bytes() == (ROOT / "generated" / "pollforjobs" / "types.d.ts").read_bytes()


def test_ajv_snippet_compiles_the_exported_schema(exported: tuple[Path, list[subprocess.CompletedProcess[str]]]) -> None:
    """Run by node next to the jsonschema export, verbatim; one appended line then uses its
    `validate` on the documented sample request and on an empty one."""
    project, _ = exported
    folder = project / "DIR"
    assert (folder / "pollforjobs" / "schemas" / "PollForJobsInput.schema.json").is_file()
    sample = reference_samples()[0]
    check = f"\nconsole.log(JSON.stringify([validate({sample}), validate({{}})]));\n"
    (folder / "readme.cjs").write_text(block("ajv").text + check, encoding="utf-8")
    node = shutil.which("node")
    assert node, "Node.js is not on PATH"
    env = environment(NODE_PATH=str(ROOT / "tests" / "js" / "node_modules"))
    result = subprocess.run([node, "readme.cjs"], cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, False]


def test_spectral_command_passes() -> None:
    [(command, _)] = commands(block("spectral"))
    result = shell(command, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No results with a severity of 'error' found!" in result.stdout


def test_import_commands(tmp_path: Path) -> None:
    """Each import writes its spec; refresh against the committed model finds the spec current,
    and against the installed botocore exits 0 or 1 (its model changes with every release)."""
    project = project_copy(tmp_path)
    shutil.copytree(ROOT / "tests" / "data", project / "tests" / "data")
    lines = block("import commands").text.splitlines()
    assert len(lines) == 4
    for line in lines[:2]:
        done = shell(line, project)
        assert done.returncode == 0, (line, done.stderr)
        written = Path(line.split("--out ", 1)[1].split()[0])
        assert yaml.safe_load(written.read_text(encoding="utf-8"))["spec_version"] == 1
    drift = shell(lines[2], project)
    assert drift.returncode in (0, 1) and "Traceback" not in drift.stderr, drift.stderr
    current = shell(lines[3], project)
    assert current.returncode == 0, current.stdout + current.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True, capture_output=True, timeout=60)


def test_diff_commands(tmp_path: Path) -> None:
    """In a git repository holding the project: the working copy against HEAD is no change;
    the spec against the installed botocore exits 0 or 1 (its model changes with every
    release); 2016 -> 2019 only warns, which --fail-on warning fails, and its JSON says it is
    not breaking; for servers 2015 -> 2016 breaks (Revision's new bounds hold their answers)."""
    project = project_copy(tmp_path)
    shutil.copytree(ROOT / "tests" / "data", project / "tests" / "data")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "specs", "tests/data/codepipeline-history")
    _git(project, "commit", "-q", "-m", "specs")
    lines = [command for command, _ in commands(block("diff commands"))]
    assert len(lines) == 4
    same = shell(lines[0], project)
    assert (same.returncode, same.stdout.splitlines()[-1]) == (0, "no changes to the API"), same.stderr
    botocore = shell(lines[1], project)
    assert botocore.returncode in (0, 1) and "Traceback" not in botocore.stderr, botocore.stderr
    warned = shell(lines[2], project)
    assert warned.returncode == 1, warned.stderr
    document = json.loads(warned.stdout)
    assert document["breaking"] is False and {c["severity"] for c in document["changes"]} == {"warning", "info"}
    server = shell(lines[3], project)
    assert server.returncode == 1, server.stderr
    assert server.stdout.startswith("### API changes: ") and "**Breaking** for servers" in server.stdout


def test_diff_example_is_what_the_command_prints(tmp_path: Path) -> None:
    shown = block("diff example").text.splitlines()
    project = project_copy(tmp_path)
    shutil.copytree(ROOT / "tests" / "data", project / "tests" / "data")
    done = shell(shown[0].removeprefix("$ "), project)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == shown[1:]


def test_diff_ci_step_fails_a_pull_request_that_breaks_callers(tmp_path: Path) -> None:
    """The workflow's last step, run as GitHub runs it (bash -e, base_ref filled in) in a clone
    of a repository whose main holds the spec: a change that breaks callers fails the step and
    the summary says so; a harmless one passes."""
    workflow = yaml.safe_load(block("diff in ci").text)
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}  # the base revision is fetched
    assert steps[-2] == {"run": "python -m pip install -e ."}
    step = steps[-1]["run"].replace("${{ github.base_ref }}", "main")
    upstream = tmp_path / "upstream"
    (upstream / "specs").mkdir(parents=True)
    shutil.copy(ROOT / "specs" / "pollforjobs.yaml", upstream / "specs")
    _git(upstream, "init", "-q", "-b", "main")
    _git(upstream, "add", "specs")
    _git(upstream, "commit", "-q", "-m", "spec")
    _git(tmp_path, "clone", "-q", str(upstream), "pull-request")
    clone = tmp_path / "pull-request"
    spec = clone / "specs" / "pollforjobs.yaml"
    original = spec.read_text(encoding="utf-8")
    verdicts = {}
    for name, old, new in (
        ("harmless", "    enum:\n    - Source\n", "    enum:\n    - Lint\n    - Source\n"),  # a new category: a warning for readers
        ("breaking", "  MaxBatchSize:\n    type: integer\n    min: 1\n", "  MaxBatchSize:\n    type: integer\n    min: 2\n"),
    ):
        assert original.count(old) == 1
        spec.write_text(original.replace(old, new), encoding="utf-8")
        summary = tmp_path / f"{name}.md"
        done = subprocess.run(["bash", "-e", "-c", step], cwd=clone, env=environment(GITHUB_STEP_SUMMARY=str(summary)), capture_output=True, text=True, timeout=180, check=False)
        assert done.stderr == ""
        verdicts[name] = (done.returncode, summary.read_text(encoding="utf-8").splitlines()[2].split(":")[0])
    assert verdicts == {"harmless": (0, "Not breaking for callers"), "breaking": (1, "**Breaking** for callers")}


def test_import_summary_is_what_the_command_prints(tmp_path: Path) -> None:
    shown = block("import summary").text.splitlines()
    command = shown[0].removeprefix("$ ")
    project = project_copy(tmp_path)
    shutil.copytree(ROOT / "tests" / "data", project / "tests" / "data")
    done = shell(command, project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == shown[1:]
