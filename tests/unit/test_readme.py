"""The README stays true: every setting is documented, every CLI command is mentioned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.settings import Settings
from desk.cli import cli

pytestmark = pytest.mark.unit
README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def test_every_setting_is_in_the_readme():
    documented = set(re.findall(r"DRAGOMAN_([A-Z0-9_]+)", README))
    assert [f for f in Settings.model_fields if f.upper() not in documented] == []


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"dragoman {name}" in README
