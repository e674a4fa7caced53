"""A small runner for the composite action in action.yml, close to what GitHub's runner does.

It evaluates the expressions the action uses (``${{ }}`` templates and ``if:`` conditions:
context paths, string/boolean literals, ``==``, ``!=``, ``&&``, ``||``, ``!``, parentheses,
``success()``, ``always()``, ``failure()``, ``cancelled()``), runs every ``run:`` step with
``bash --noprofile --norc -eo pipefail`` and the step's ``env:``, a fresh ``GITHUB_OUTPUT``
file per step and the job's ``GITHUB_STEP_SUMMARY``, and collects step outputs into the
``steps`` context. ``uses:`` steps cannot run here (they are other repositories' code): each
is recorded with its evaluated ``with:`` and answered by a handler the test gives (default:
no outputs). A step can be replaced by a handler too (the install step: pip would build
auditor again; the tests run the auditor they import).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[2]
ACTION = ROOT / "action.yml"

Handler = Callable[[Mapping[str, str]], Mapping[str, str]]


@dataclass
class StepRun:
    id: str
    name: str
    ran: bool
    uses: str = ""
    with_: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    failed: bool

    def step(self, step_id: str) -> StepRun:
        return next(s for s in self.steps if s.id == step_id)

    def used(self, action: str) -> StepRun:
        """The (first) step that uses ``action`` (owner/name[/path], without the ref)."""
        return next(s for s in self.steps if s.uses.split("@")[0] == action)


# -- expressions ------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\))"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"cannot parse expression at {text[pos:]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def truthy(value: Any) -> bool:
    return value not in ("", None, False, 0, "false")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Expression:
    """Recursive descent over GitHub's expression grammar (the subset the action uses)."""

    def __init__(self, text: str, context: Mapping[str, Any], status: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.context = context
        self.status = status

    def value(self) -> Any:
        result = self._or()
        if self.pos != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.pos][1]!r}")
        return result

    def _peek(self) -> str:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else ""

    def _take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            left = left if truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            left = right if truthy(left) else left
        return left

    def _compare(self) -> Any:
        left = self._unary()
        if self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self._unary()
            equal = _text(left).lower() == _text(right).lower()
            return equal if op == "==" else not equal
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not truthy(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if text == "(":
            inner = self._or()
            self._take()
            return inner
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self._peek() == "(":
            self._take()
            self._take()
            return self._function(text)
        return self._lookup(text)

    def _function(self, name: str) -> bool:
        if name == "always":
            return True
        if name == "success":
            return self.status == "success"
        if name == "failure":
            return self.status == "failure"
        if name == "cancelled":
            return False
        raise ValueError(f"function {name}() is not supported here")

    def _lookup(self, path: str) -> Any:
        value: Any = self.context
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        return value


def evaluate(text: str, context: Mapping[str, Any], status: str = "success") -> Any:
    return Expression(text, context, status).value()


def render(template: Any, context: Mapping[str, Any]) -> str:
    """A string with every ``${{ expr }}`` replaced by its value."""
    text = _text(template)
    return re.sub(
        r"\$\{\{(.*?)\}\}", lambda m: _text(evaluate(m.group(1), context)), text, flags=re.S
    )


def condition(text: Any, context: Mapping[str, Any], status: str) -> bool:
    if text is None:
        return status == "success"
    source = str(text).strip()
    if source.startswith("${{") and source.endswith("}}"):
        source = source[3:-2]
    uses_status = re.search(r"\b(always|success|failure|cancelled)\(\)", source)
    if not uses_status:
        source = f"success() && ({source})"
    return truthy(evaluate(source, context, status))


# -- running ----------------------------------------------------------------------------


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file (``name=value`` and ``name<<DELIMITER`` blocks)."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            while lines[index] != delimiter:
                block.append(lines[index])
                index += 1
            index += 1
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


@dataclass
class Runner:
    """One job's environment: the runner and github contexts, and the files it provides."""

    workspace: Path
    temp: Path
    event_name: str = "schedule"
    token: str = "test-token-not-a-secret"  # noqa: S105
    base_env: dict[str, str] = field(default_factory=dict)
    uses_handlers: dict[str, Handler] = field(default_factory=dict)
    step_handlers: dict[str, Handler] = field(default_factory=dict)

    @property
    def summary_file(self) -> Path:
        return self.temp / "step-summary.md"

    def github_env(self) -> dict[str, str]:
        return {
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_REPOSITORY": "example/shop",
            "GITHUB_SERVER_URL": "https://github.invalid",
            "GITHUB_RUN_ID": "42",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_STEP_SUMMARY": str(self.summary_file),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            # GitHub names the base branch on pull-request events
            **({"GITHUB_BASE_REF": "main"} if self.event_name.startswith("pull_request") else {}),
        }

    def run(self, inputs: Mapping[str, str], action: Path = ACTION) -> ActionRun:
        spec = yaml.safe_load(action.read_text(encoding="utf-8"))
        self.temp.mkdir(parents=True, exist_ok=True)
        context: dict[str, Any] = {
            "github": {
                "token": self.token,
                "event_name": self.event_name,
                "action_path": str(ROOT),
                "workspace": str(self.workspace),
            },
            "runner": {"temp": str(self.temp), "os": "Linux"},
            "steps": {},
            "env": {},
        }
        unknown = set(inputs) - set(spec["inputs"])
        if unknown:
            raise KeyError(f"not inputs of the action: {sorted(unknown)}")
        context["inputs"] = {
            name: inputs.get(name, render(meta.get("default", ""), context))
            for name, meta in spec["inputs"].items()
        }
        status, runs = "success", []
        for index, step in enumerate(spec["runs"]["steps"]):
            result = self._step(step, index, context, status)
            runs.append(result)
            if result.id:
                context["steps"][result.id] = {
                    "outputs": result.outputs,
                    "outcome": "success" if result.code == 0 else "failure",
                }
            if result.ran and result.code != 0:
                status = "failure"
        outputs = {name: render(meta["value"], context) for name, meta in spec["outputs"].items()}
        return ActionRun(steps=runs, outputs=outputs, failed=status == "failure")

    def _step(
        self, step: Mapping[str, Any], index: int, context: Mapping[str, Any], status: str
    ) -> StepRun:
        step_id = str(step.get("id", f"__{index}"))
        result = StepRun(
            id=step_id, name=str(step.get("name", "")), ran=False, uses=str(step.get("uses", ""))
        )
        if not condition(step.get("if"), context, status):
            return result
        result.ran = True
        env = {k: render(v, context) for k, v in (step.get("env") or {}).items()}
        result.env = env
        if result.uses:
            result.with_ = {k: render(v, context) for k, v in (step.get("with") or {}).items()}
            handler = self.uses_handlers.get(result.uses.split("@")[0])
            result.outputs = dict(handler(result.with_)) if handler else {}
            return result
        if step_id in self.step_handlers:
            result.outputs = dict(self.step_handlers[step_id](env))
            return result
        output_file = self.temp / f"output-{index}"
        output_file.write_text("")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", str(step["run"])],
            cwd=self.workspace,
            env={
                **os.environ,
                **self.base_env,
                **self.github_env(),
                "GITHUB_OUTPUT": str(output_file),
                **env,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        result.code, result.stdout, result.stderr = proc.returncode, proc.stdout, proc.stderr
        result.outputs = read_outputs(output_file)
        return result
