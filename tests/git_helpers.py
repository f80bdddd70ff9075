"""A throwaway git repository for tests: fixed author and dates, no user configuration read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HAS_GIT = shutil.which("git") is not None
needs_git = pytest.mark.skipif(not HAS_GIT, reason="git is not installed")


class GitRepo:
    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
        monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for who in ("AUTHOR", "COMMITTER"):
            monkeypatch.setenv(f"GIT_{who}_NAME", "Test")
            monkeypatch.setenv(f"GIT_{who}_EMAIL", "test@example.invalid")
        self._monkeypatch = monkeypatch
        self.run("init", "-q", "-b", "main")

    def run(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.folder, capture_output=True, check=True)
        return done.stdout.decode()

    def commit(self, files: dict[str, str], message: str, when: str) -> str:
        """Write `files` (relative path -> text), commit them at `when` (ISO 8601); the new sha."""
        for name, text in files.items():
            path = self.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.run("add", name)
        self._monkeypatch.setenv("GIT_AUTHOR_DATE", when)
        self._monkeypatch.setenv("GIT_COMMITTER_DATE", when)
        self.run("commit", "-q", "-m", message)
        return self.run("rev-parse", "HEAD").strip()
