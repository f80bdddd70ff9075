"""The wheel carries everything (data, templates, static files): install it fresh and run it."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_validates_the_bundled_catalog(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("torchscape-*.whl")
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    # Dependencies come from the test environment (no network); torchscape only from the wheel.
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        check=True,
    )

    where = subprocess.check_output(
        [python, "-c", "import torchscape; print(torchscape.__file__)"], text=True, cwd=tmp_path
    )
    assert where.startswith(str(fresh))
    proc = subprocess.run(
        [fresh / "bin" / "torchscape", "validate", "--strict"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "validating the bundled PyTorch landscape" in proc.stdout
    assert "0 error(s), 0 warning(s)" in proc.stdout
    count = subprocess.check_output(
        [
            python,
            "-c",
            "from torchscape.paths import bundled_dir; print(len(list((bundled_dir() / 'logos').glob('*.svg'))))",
        ],
        text=True,
        cwd=tmp_path,
    )
    assert int(count) >= 300
