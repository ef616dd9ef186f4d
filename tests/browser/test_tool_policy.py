"""A missing outside tool skips its tests on a newcomer's machine but fails them in CI."""

from pathlib import Path

import pytest

from tests.tools import Tool, require

NOWHERE = Tool("the Frobnicator", Path("/nonexistent/frobnicator"), "`apt-get install frob`")


def test_missing_tool_skips_with_what_to_install(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Frobnicator.*apt-get install frob"):
        require(NOWHERE)


def test_missing_tool_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true.*Frobnicator.*apt-get install frob"):
        require(NOWHERE)


def test_installed_tool_lets_the_test_run(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    binary = tmp_path / "frobnicator"
    binary.write_text("")
    require(Tool("the Frobnicator", binary, "`apt-get install frob`"))
