"""A broken dataset stops the action server at start, with an error that says where."""

from __future__ import annotations

import subprocess

import yaml

from actions.dataset import DEFAULT_PATH, PATH_VARIABLE
from project import ROOT
from tests.e2e.servers import e2e_port
from tools.serve import BIN


def test_a_broken_dataset_stops_the_action_server_naming_file_office_and_field(tmp_path):
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    next(o for o in raw["offices"] if o["id"] == "gao")["staff"] = "lots"
    broken = tmp_path / "offices.yml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "python"), "-m", "actions.server", "--port", str(e2e_port(15099))],
        cwd=ROOT,
        env={PATH_VARIABLE: str(broken), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert str(broken) in done.stderr
    assert "office 'gao'" in done.stderr and "field 'staff'" in done.stderr
