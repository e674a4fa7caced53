"""``python -m auditor.ci``: the steps of the GitHub Action (action.yml), kept here so that
they are tested like the rest of the code instead of living as shell inside YAML.

    history-fetch   check out the history branch's store into a work tree
    report          run the report job (auditor.pipeline.report) in this process; its
                    result's exit code, counts and snapshot become the step outputs
    summary         append the Markdown summary to $GITHUB_STEP_SUMMARY
    comment         post or update the pull request's comment with the same summary
    history-push    push the updated store back (merging with concurrent runs)

The store's libraries are imported by the history steps only, so the others start fast.
Every failure is one line on stderr (``::error::`` so the runner shows it) and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from auditor.ci import github
from auditor.ci.git import Git, GitError
from auditor.cli.base import Console
from auditor.cli.report_cmd import show_report
from auditor.core.errors import AuditorError, UsageError
from auditor.outputs.files import choose_formats
from auditor.outputs.plugins import REPORT_DEFAULT
from auditor.pipeline.exits import EXIT_ERROR
from auditor.pipeline.periods import Backfill
from auditor.pipeline.report import ReportRequest, ReportResult, run_report
from auditor.pipeline.setup import AuditRequest
from auditor.settings import ENV_NOTIFY

PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m auditor.ci", description=__doc__)
    sub = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    fetch = sub.add_parser("history-fetch", help="check out the history branch's store")
    _history_options(fetch)
    fetch.add_argument("--remote", default="", help="repository URL (default: the workspace's)")
    push = sub.add_parser("history-push", help="push the store back to the history branch")
    _history_options(push)
    push.add_argument(
        "--save",
        choices=["auto", "true", "false"],
        default="auto",
        help="auto: push except on pull-request events",
    )
    push.add_argument("--attempts", type=int, default=5, help="pushes to try when racing")
    push.add_argument("--snapshot", default="", help="the run's snapshot id (for the message)")
    plan = sub.add_parser("plan", help="decide which optional steps run")
    plan.add_argument("--sync", choices=["auto", "true", "false"], default="auto")
    plan.add_argument("--source", default="", help="the advisory sources chosen")
    plan.add_argument("--advisory-db", default="", help="an advisory database given")
    plan.add_argument("--history-branch", default="", help="the history branch ('' for none)")
    plan.add_argument("--has-database", choices=["true", "false"], default="false")
    report = sub.add_parser("report", help="run auditor report and set the step outputs")
    report.add_argument("--paths", default=".", help="paths, space- or newline-separated")
    report.add_argument("--out", required=True, help="output directory")
    for name in (
        "fail-on",
        "source",
        "advisory-db",
        "formats",
        "project",
        "config",
        "omit",
        "backfill",
    ):
        report.add_argument(f"--{name}", default="", help=f"auditor report --{name}")
    report.add_argument("--vex", default="", help="VEX files, space- or newline-separated")
    report.add_argument(
        "--strict", choices=["true", "false", ""], default="", help="auditor report --strict"
    )
    summary = sub.add_parser("summary", help="append the summary to $GITHUB_STEP_SUMMARY")
    summary.add_argument("--out", required=True, help="the report's output directory")
    summary.add_argument("--exit-code", type=int, required=True, help="auditor's exit code")
    summary.add_argument("--fail-on", default="", help="the threshold the run used")
    comment = sub.add_parser("comment", help="post or update the pull request's comment")
    comment.add_argument("--out", required=True, help="the report's output directory")
    comment.add_argument("--exit-code", type=int, required=True, help="auditor's exit code")
    comment.add_argument("--fail-on", default="", help="the threshold the run used")
    comment.add_argument(
        "--mode",
        choices=["auto", "true", "false"],
        default="auto",
        help="auto: on pull-request events; true: whenever the event names a pull request",
    )
    return parser


def _history_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", required=True, type=Path, help="work tree of the branch")
    parser.add_argument("--branch", required=True, help="the history branch")


def _env_path(env: Mapping[str, str], name: str) -> Path | None:
    value = env.get(name, "")
    return Path(value) if value else None


def _git(work: Path, env: Mapping[str, str]) -> Git:
    return Git(
        cwd=work,
        token=env.get("AUDITOR_GIT_TOKEN", ""),
        server=env.get("GITHUB_SERVER_URL", ""),
        base_env={k: v for k, v in env.items() if k != "AUDITOR_GIT_TOKEN"},
    )


def _remote(env: Mapping[str, str]) -> str:
    workspace = env.get("GITHUB_WORKSPACE", "")
    if workspace and (Path(workspace) / ".git").exists():
        found = Git(cwd=Path(workspace)).run("remote", "get-url", "origin", check=False)
        if found.code == 0 and found.out.strip():
            return found.out.strip()
    server, repository = env.get("GITHUB_SERVER_URL", ""), env.get("GITHUB_REPOSITORY", "")
    if not server or not repository:
        raise UsageError("no repository to keep the history in: set GITHUB_WORKSPACE or --remote")
    return f"{server.rstrip('/')}/{repository}.git"


def history_fetch(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from auditor.ci import history

    git = _git(args.dir, env)
    fetched = history.fetch(git, args.remote or _remote(env), args.branch)
    state = f"at {fetched.base[:12]}" if fetched.base else "new: no such branch yet"
    print(f"history branch {args.branch} {state}; store {fetched.store}")
    github.write_outputs(
        _env_path(env, "GITHUB_OUTPUT"), {"db": str(fetched.store), "base": fetched.base}
    )
    return 0


def history_push(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    event = env.get("GITHUB_EVENT_NAME", "")
    if args.save == "false" or (args.save == "auto" and event in PULL_REQUEST_EVENTS):
        print(f"history not saved ({event or 'save-history: false'}): the branch is unchanged")
        return 0
    run_url = ""
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
        run_url = f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    from auditor.ci import history

    what = f"snapshot {args.snapshot}" if args.snapshot else "store"
    message = f"auditor history: {what}" + (f"\n\n{run_url}" if run_url else "")
    pushed = history.push(_git(args.dir, env), args.branch, message, attempts=args.attempts)
    if pushed.commit:
        merged = f", {pushed.merged} snapshots merged into newer runs" if pushed.merged else ""
        print(f"history pushed to {args.branch} ({pushed.attempts} attempts{merged})")
    else:
        print(f"history unchanged: nothing to push to {args.branch}")
    github.write_outputs(_env_path(env, "GITHUB_OUTPUT"), {"history-commit": pushed.commit})
    return 0


def plan(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """sync: ``db sync`` runs when auto or osv-local is used without a database of the
    user's own (auto then reads the fresh database instead of asking the OSV API);
    history: the branch is used when no database URL is given."""
    sources = {s.strip() for s in args.source.split(",") if s.strip()} or {"auto"}
    sync = args.sync == "true" or (
        args.sync == "auto"
        and bool(sources & {"auto", "osv-local"})
        and not args.advisory_db.strip()
    )
    use_history = args.has_database == "false" and bool(args.history_branch.strip())
    values = {
        "sync": str(sync).lower(),
        "history": str(use_history).lower(),
        # The advisory cache's key changes daily, so each day's sync is saved once.
        "day": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
    }
    print(", ".join(f"{k}: {v}" for k, v in values.items()))
    github.write_outputs(_env_path(env, "GITHUB_OUTPUT"), values)
    return 0


def report_request(args: argparse.Namespace) -> ReportRequest:
    """The report job for the step's inputs (an empty input: the default)."""
    try:
        paths = shlex.split(args.paths) or ["."]
    except ValueError as exc:
        raise UsageError(f"paths: {exc}") from None

    def given(value: str) -> str | None:
        return value.strip() or None

    source = given(args.source)
    try:
        vex = tuple(shlex.split(args.vex))
    except ValueError as exc:
        raise UsageError(f"vex: {exc}") from None
    omit = given(args.omit)
    # The report's default files are always written (the summary, SARIF and findings.json
    # are what the later steps publish); the extra formats are added to them.
    extra = args.formats.replace(",", " ").split()
    return ReportRequest(
        audit=AuditRequest(
            paths=tuple(paths),
            config=given(args.config),
            sources=(source,) if source else (),
            advisory_db=given(args.advisory_db),
            fail_on=given(args.fail_on),
            vex=vex,
            omit=(omit.replace(" ", ","),) if omit else (),
            strict=args.strict == "true",
        ),
        out=Path(args.out),
        formats=tuple(choose_formats([*REPORT_DEFAULT, *extra], REPORT_DEFAULT)),
        project=given(args.project),
        backfill=Backfill(since=since) if (since := given(args.backfill)) else None,
    )


def report(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Run the report job in this process, show its output, and record the exit code and
    the result's numbers as step outputs instead of failing.

    The git token (``AUDITOR_GIT_TOKEN``, for fetching a pull request's base) is taken out of
    the job's environment and this process's before the job runs: nothing the scanned tree
    configures, and no program the job starts, can see it.
    """
    request = report_request(args)
    git = _git(Path(env.get("GITHUB_WORKSPACE") or "."), env)
    run_env = {k: v for k, v in env.items() if k != "AUDITOR_GIT_TOKEN"}
    os.environ.pop("AUDITOR_GIT_TOKEN", None)
    base: Path | None = None
    if env.get("GITHUB_EVENT_NAME", "") in PULL_REQUEST_EVENTS:
        from auditor.ci import baseconfig

        request, run_env, base = baseconfig.apply(request, env, git)
        if run_env.pop(ENV_NOTIFY, ""):
            print(
                "pull request: no notification is sent (the pull-request comment says what is new)"
            )
    # Lockfiles and advisories are third-party text: no line of theirs may act as a
    # workflow command while it is shown.
    fence = secrets.token_hex(16)
    print(f"::stop-commands::{fence}", flush=True)
    try:
        done, code = _run_report(request, run_env)
    finally:
        if base is not None:
            shutil.rmtree(base.parent, ignore_errors=True)
    print(f"::{fence}::", flush=True)
    if code == EXIT_ERROR:
        print("::error::auditor report failed (exit code 2); the log above says why")
    # Absolute paths: a later step may run in another working directory.
    out = request.out.resolve()
    sarif = done.file("results.sarif") if done else None
    snapshot = done.snapshot if done else None
    values = {
        "exit-code": str(code),
        **github.count_outputs(done.counts if done else None),
        "snapshot-id": str(snapshot.id) if snapshot else "",
        "project": snapshot.project if snapshot else "",
        "report-dir": str(out),
        "sarif-file": str(sarif.resolve()) if sarif else "",
        "site-dir": str(out) if done and done.site else "",
    }
    github.write_outputs(_env_path(env, "GITHUB_OUTPUT"), values)
    return 0


def _run_report(request: ReportRequest, env: Mapping[str, str]) -> tuple[ReportResult | None, int]:
    """The job's result and exit code; a failed job is reported as ``auditor report``
    reports it (one line, exit code 2), never as a traceback."""
    console = Console(out=sys.stdout, err=sys.stdout)
    try:
        done = run_report(request, environ=env)
    except AuditorError as exc:
        console.error(str(exc))
        return None, EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the step records the failure and goes on
        console.error(f"internal error: {type(exc).__name__}: {exc}")
        return None, EXIT_ERROR
    show_report(done, console, out=str(request.out), quiet=False)
    return done, done.exit_code


def summary(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    text = github.summary_text(Path(args.out), args.exit_code, args.fail_on)
    github.append_summary(_env_path(env, "GITHUB_STEP_SUMMARY"), text)
    return 0


def comment(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Post or update the pull request's comment with the job summary's text. Never fails
    the job: a comment that cannot be written is one warning."""
    from auditor.ci import comment as pr

    event = env.get("GITHUB_EVENT_NAME", "")
    if args.mode == "false" or (args.mode == "auto" and event not in PULL_REQUEST_EVENTS):
        print(f"no pull-request comment ({event or 'pr-comment: false'})")
        return 0
    number = pr.pull_request_number(env)
    if number is None:
        print("no pull-request comment: the event names no pull request")
        return 0
    text = github.summary_text(Path(args.out), args.exit_code, args.fail_on)
    try:
        posted = pr.post_or_update(env, number, text)
    except pr.CommentError as exc:
        print(f"::warning::{escape_data(f'auditor: pull-request comment not written: {exc}')}")
        return 0
    print(f"pull-request comment {posted.action}: {posted.url or posted.comment_id}")
    return 0


def escape_data(text: str) -> str:
    """``text`` as the data of a workflow command (the runner's own escaping)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


STEPS = {
    "history-fetch": history_fetch,
    "history-push": history_push,
    "plan": plan,
    "report": report,
    "summary": summary,
    "comment": comment,
}


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return STEPS[args.step](args, os.environ if env is None else env)
    except (AuditorError, GitError) as exc:
        print(f"::error::{escape_data(f'auditor {args.step}: {exc}')}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
