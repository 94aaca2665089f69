"""One vocabulary for what is wrong: one Severity, one Finding (a check finding is a finding
plus its post, channel and file), rule names written once, exit codes named in one place."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest

import omnipress
from omnipress.channels import OUTPUT_RULES
from omnipress.check.check import run_check
from omnipress.check.checkmodel import CheckFinding
from omnipress.errors import Finding, Severity
from omnipress.preview.preview import finding_view
from tests.conftest import CONTENT, TEMPLATES
from tests.test_check import LABELS, restamp

PACKAGE = Path(omnipress.__file__).parent
BLOG = f"blog/{LABELS}/index.html"
LINKEDIN = f"linkedin/{LABELS}.txt"


def tamper(output: Path, relative: str, pattern: str, replacement: str) -> None:
    path = output / relative
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")
    restamp(output, relative)


TAMPERED = {  # rule → (file, pattern, replacement, the severity it is reported with)
    "blog.h1": (BLOG, r"(<h1[^>]*>)", r"\1Tampered ", Severity.ERROR),
    "blog.title-length": (
        BLOG,
        r"<title>",
        "<title>" + "A much longer title " * 3,
        Severity.WARNING,
    ),
    "linkedin.length": (LINKEDIN, r"\A", "x" * 3000 + "\n\n", Severity.ERROR),
}


@pytest.mark.parametrize("rule", sorted(TAMPERED))
def test_a_check_finding_is_a_finding_with_the_one_severity(
    rule: str, tmp_path: Path, example_output: Path
) -> None:
    output = tmp_path / "output"
    shutil.copytree(example_output, output)
    file, pattern, replacement, severity = TAMPERED[rule]
    tamper(output, file, pattern, replacement)
    report = run_check(output, CONTENT, TEMPLATES)
    finding = next(f for f in report.findings if f.rule == rule)
    assert isinstance(finding, Finding) and finding.file == file
    assert finding.severity is severity  # the enum itself, not a word that looks like it
    assert all(type(f.severity) is Severity for f in report.findings)
    assert finding_view(finding).severity is finding.severity  # the preview re-encodes nothing
    written = json.loads(json.dumps(report.to_dict()))["findings"]
    shown = next(f for f in written if f["rule"] == rule and f["file"] == file)
    assert list(shown) == ["rule", "severity", "post", "channel", "file", "message", "expected",
                           "found", "hint"]  # fmt: skip
    assert shown["severity"] == severity.value
    assert CheckFinding(**shown) == finding  # as the check cache reads it back


def string_constants(text: str) -> list[str]:
    return [
        node.value
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


@pytest.mark.parametrize("name", sorted({row.name for row in OUTPUT_RULES}))
def test_each_output_rule_name_is_written_once(name: str) -> None:
    """The finding, its table row and whoever adds to the finding (the one-pager's overflow)
    refer to the rule by one name, so renaming a rule is one edit."""
    places = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        for constant in string_constants(path.read_text(encoding="utf-8"))
        if constant == name
    ]
    assert len(places) == 1, places


COMMANDS = sorted(path.relative_to(PACKAGE).as_posix() for path in (PACKAGE / "cli").glob("*.py"))


@pytest.mark.parametrize("module", COMMANDS)
def test_commands_return_named_exit_codes(module: str) -> None:
    """An exit code is a name from cli/options.py, so what 1, 2 and 130 mean is in one place."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    literal = [
        node.lineno
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef) and function.returns is not None
        and ast.unparse(function.returns) == "int" and function.name in {"main", "run"}
        for node in ast.walk(function)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant)
    ]  # fmt: skip
    assert literal == [], f"{module}: literal exit codes on lines {literal}"
