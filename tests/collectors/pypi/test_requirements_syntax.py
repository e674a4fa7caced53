"""pip requirements syntax: logical lines, comments, options, requirement kinds, sniffing."""

from __future__ import annotations

import json

import pytest

from auditor.collectors.pypi.requirements_syntax import (
    Kind,
    OptionError,
    break_args_options,
    logical_lines,
    looks_like_requirements,
    parse_options,
    parse_target,
    pinned_version,
    via_head,
    via_is_root,
    via_item,
)
from auditor.core.model import Hash
from tests.support import FIXTURES

HERE = FIXTURES / "requirements"


def bodies(text: str) -> list[tuple[int, str, str]]:
    return [(line.number, line.body, line.comment) for line in logical_lines(text) if line.body]


def test_continuations_join_and_keep_the_first_line_number() -> None:
    """A trailing backslash joins lines; the logical line is numbered by its first line."""
    text = "a==1 \\\n  --hash=sha256:00 \\\n  --hash=sha256:11\nb==2\n"
    assert [(1, "a==1   --hash=sha256:00   --hash=sha256:11", ""), (4, "b==2", "")] == bodies(text)


def test_backslash_on_the_last_line_and_runs_of_backslashes() -> None:
    """A backslash at the end of the file ends the line; pip strips every backslash of a
    continued line, so ``4.5\\\\`` continues into the next line."""
    assert [(1, "qux == 10.11.12", "")] == bodies("qux == 10.11.12\\")
    assert [(1, "bar == 4.5.6", "")] == bodies("bar == 4.5\\\\\n.6\n")


def test_a_comment_line_is_never_continued_but_ends_a_continuation() -> None:
    """``# ... \\`` stays a comment; a comment after a continued line is part of it and
    stripped, like pip does."""
    assert [(2, "flask", "")] == bodies("# comment \\\nflask\n")
    assert [(1, "foo==1.0", "# note")] == bodies("foo==1.0 \\\n# note\n")
    assert [(1, "baz == 7.8.9", "# baz == 1.2.3")] == bodies("baz == 7.8.9 # \\\nbaz == 1.2.3\n")


@pytest.mark.parametrize(
    ("line", "body", "comment"),
    [
        ("requests==2.0  # pinned", "requests==2.0", "# pinned"),
        ("# whole line", "", "# whole line"),
        ("git+https://x.invalid/r.git#egg=pkg", "git+https://x.invalid/r.git#egg=pkg", ""),
        ("a#b#c", "a#b#c", ""),
        ("pkg==1.0\t# tab before hash", "pkg==1.0", "# tab before hash"),
    ],
)
def test_comments_start_at_line_start_or_after_whitespace(
    line: str, body: str, comment: str
) -> None:
    """``#`` starts a comment only at the start or after whitespace (``#egg=`` stays)."""
    assert [(1, body, comment)] == [(x.number, x.body, x.comment) for x in logical_lines(line)]


def test_long_runs_of_spaces_are_fast() -> None:
    """Comment detection is linear (pip's regex would be quadratic on this line)."""
    text = "a" + " " * 2_000_000 + "b"
    assert [(1, text, "")] == bodies(text)


@pytest.mark.parametrize(
    ("body", "args", "options"),
    [
        ("foo==1.0 --hash=sha256:ab", "foo==1.0", "--hash=sha256:ab"),
        ("foo17--hash==1.0", "foo17--hash==1.0", ""),
        ('foo==1.0; python_version < "3" -C k=v', 'foo==1.0; python_version < "3"', "-C k=v"),
        ("-r base.txt", "", "-r base.txt"),
    ],
)
def test_requirement_is_every_token_before_the_first_dash(
    body: str, args: str, options: str
) -> None:
    """pip splits a line on spaces; the requirement ends at the first token starting ``-``."""
    assert (args, options) == break_args_options(body)


def test_options_long_short_attached_and_prefixes() -> None:
    """Long options with ``=`` or a separate value, short options attached or not, and
    unambiguous prefixes (optparse accepts them) all parse."""
    options = parse_options(
        "--hash=sha256:AB --hash sha256:cd -rbase.txt -c other.txt --extra https://x.invalid/"
    )
    assert options.values == (
        ("--hash", "sha256:AB"),
        ("--hash", "sha256:cd"),
        ("--requirement", "base.txt"),
        ("--constraint", "other.txt"),
        ("--extra-index-url", "https://x.invalid/"),
    )
    assert parse_options("--pre --no-binary :all: stray").leftovers == ("stray",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("--frobnicate", "unknown option --frobnicate"),
        ("-x foo", "unknown option -x"),
        ("--no", "ambiguous option --no (--no-binary, --no-index, --no-require-hashes)"),
        ("--pre=yes", "--pre takes no value"),
        ("--hash", "--hash needs a value"),
        ("--hash=wrongformat", "--hash value 'wrongformat' is not ALGORITHM:DIGEST"),
        (
            "--hash=foo:abcd",
            "--hash algorithm 'foo' is not one pip allows (sha256, sha384, sha512)",
        ),
        (
            "--hash=md5:" + "0" * 32,
            "--hash algorithm 'md5' is not one pip allows (sha256, sha384, sha512)",
        ),
        (
            "--hash=SHA256:" + "0" * 64,
            "--hash algorithm 'SHA256' is not one pip allows (sha256, sha384, sha512)",
        ),
        ("-C bar", "--config-settings value 'bar' is not KEY=VALUE"),
        ('--global-option="x', "cannot split the options (No closing quotation)"),
    ],
)
def test_options_pip_refuses(text: str, message: str) -> None:
    """Each option pip would refuse is an OptionError with a precise message."""
    with pytest.raises(OptionError) as info:
        parse_options(text)
    assert message == str(info.value)


def test_hash_digests_pip_can_match() -> None:
    """pip compares a file's hex digest with each ``--hash`` (as lowercase text): only a
    digest of the algorithm's length in hex digits can match. A line whose digests all
    fail that way can install nothing (``hash_problem``); one good digest is enough."""
    from auditor.collectors.pypi.requirements_syntax import hash_problem, hash_value

    good = "ab" * 32
    assert Hash(algorithm="sha256", value=good) == hash_value("sha256:" + good)
    assert Hash(algorithm="sha512", value="0" * 128) == hash_value("sha512:" + "0" * 128)
    assert Hash(algorithm="sha256", value=good) == hash_value("sha256:" + good.upper())
    for digest in (good[:30], good[:30] + "junk", good + "0", ""):
        assert hash_value("sha256:" + digest) is None
    assert hash_problem(parse_options(f"--hash=sha256:{good} --hash=sha256:{good[:9]}")) is None
    assert hash_problem(parse_options("--pre")) is None
    assert (
        "--hash digest 'abababab…bababab0' is not 64 hex digits (nor is any other of "
        "the line), so no file can match it"
    ) == hash_problem(parse_options(f"--hash=sha256:{good}0 --hash=sha256:{good[:9]}"))


@pytest.mark.parametrize(
    ("text", "kind", "name", "file_version"),
    [
        ("requests[security]==2.0", Kind.NAMED, "requests", None),
        ("git+https://x.invalid/r.git@v1#egg=Pkg_One", Kind.VCS, "pkg-one", None),
        ("pkg @ git+https://x.invalid/r.git@abc", Kind.VCS, "pkg", None),
        ("https://x.invalid/a/2.0.1.tar.gz", Kind.URL, "", None),
        ("https://x.invalid/w/wxPython-3.0-cp34-none-any.whl", Kind.URL, "wxpython", "3.0"),
        ("u @ https://x.invalid/u-1.26.8-py3-none-any.whl", Kind.URL, "u", "1.26.8"),
        ("u @ https://x.invalid/==1.26.8.zip", Kind.URL, "u", None),
        ("foo @ file://../foo", Kind.PATH, "foo", None),
        ("file:flask.py#egg=flask==2.0.1", Kind.PATH, "flask", None),
        ("./downloads/numpy-1.9.2-cp34-none-win32.whl", Kind.PATH, "numpy", "1.9.2"),
        ("numpy-1.26.1.tar.gz", Kind.PATH, "numpy", "1.26.1"),
        (".", Kind.PATH, "", None),
        ("./pkg[extra]", Kind.PATH, "", None),
        ('https://x.invalid/p.whl ; python_version < "3"', Kind.URL, "", None),
    ],
)
def test_requirement_kinds(text: str, kind: Kind, name: str, file_version: str | None) -> None:
    """Named requirements, VCS, direct URLs and local paths are told apart like pip does."""
    target = parse_target(text)
    assert (kind, name, file_version) == (target.kind, target.name, target.file_version)


@pytest.mark.parametrize(
    ("specifier", "version"),
    [
        ("==1.0", "1.0"),
        ("===1.0-legacy", "1.0-legacy"),
        ("==1.2-alpha", "1.2-alpha"),
        (">=1,==1.5", "1.5"),
        ("==1.*", None),
        (">=1", None),
        ("==1.0,==2.0", None),
        ("==1.0,<1", None),
        ("", None),
    ],
)
def test_pinned_version(specifier: str, version: str | None) -> None:
    """Only one ``==``/``===`` version (as written) that the other clauses allow is a pin."""
    from packaging.specifiers import SpecifierSet

    assert version == pinned_version(SpecifierSet(specifier))


def test_via_comments() -> None:
    """pip-compile's annotations: line style, split style head and items, project items."""
    assert (True, ("kombu",)) == via_head("# via kombu")
    assert (True, ("-r requirements.in", "django-filter")) == via_head(
        "# via -r requirements.in, django-filter"
    )
    assert (True, ()) == via_head("# via")
    assert (False, ()) == via_head("# viable option")
    assert "-r requirements/main.in" == via_item("#   -r requirements/main.in")
    assert via_item("# The following packages are considered unsafe") is None
    assert via_is_root("-c constraints.txt")
    assert via_is_root("myproject (pyproject.toml)")
    assert not via_is_root("zope-sqlalchemy")


@pytest.mark.parametrize(
    "path",
    [
        "real/pypi__warehouse/requirements/main.txt",
        "real/pypi__warehouse__2015-11-27/requirements/main.txt",
        "real/urllib3__urllib3/dev-requirements.txt",
        "real/jawah__charset_normalizer/dev-requirements.txt",
        "peer/cyclonedx-python/infiles/with-urls.txt",
        "peer/cyclonedx-python/infiles/private-packages.txt",
    ],
)
def test_sniff_recognises_real_requirements(path: str) -> None:
    """Real requirements files are recognised by content whatever their name."""
    assert looks_like_requirements((HERE / path).read_text())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "flask\nrequests\n",  # bare names only: could be any word list
        "Hello world, this is a readme.\nIt has sentences.\n",
        json.dumps({"default": {"requests": {"version": "==2.0"}}}, indent=2),
        '[project]\nname = "x"\ndependencies = ["requests==2.0"]\n',
        "packages:\n  requests: 2.0\n- item\n",
        "[section]\nkey=value\n",
        "module example.com/x\n\nrequire github.com/a/b v1.2.3\n",
        "- requests==2.0\n- flask==1.0\n",
    ],
)
def test_sniff_rejects_other_text(text: str) -> None:
    """Prose, JSON, TOML, YAML, INI, go.mod, Markdown lists and word lists are not claimed."""
    assert not looks_like_requirements(text)


def test_sniff_tolerates_a_few_odd_lines() -> None:
    """A real file with one unusual line among many is still recognised."""
    lines = [f"pkg{i}==1.{i}" for i in range(20)] + ["some odd line here"]
    assert looks_like_requirements("\n".join(lines))
