"""`gromada demo --script` walks every feature's flow offline and exits 0."""

import os
import subprocess
import sys

from gromada.demo import demo_walks


def test_demo_script_walks_every_feature(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gromada", "demo", "--script"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
        timeout=300,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "quickstart applied" in result.stdout
    for _order, feature, _walk in demo_walks():
        assert f"== {feature} ==" in result.stdout
    assert "Ala (admin) runs /setup show and sees (only them)" in result.stdout
    # Command and role mentions read as Discord shows them.
    assert "Add items with /purchase item, then /purchase publish." in result.stdout
    assert "</" not in result.stdout and "<@&" not in result.stdout
    assert result.stdout.rstrip().endswith("Demo finished.")
