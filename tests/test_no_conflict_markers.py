"""No merge left its conflict markers in a file that ships."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def test_no_conflict_markers_in_tracked_files():
    tracked = subprocess.run(
        [
            "git",
            "ls-files",
            "appel",
            "resources",
            "contributions",
            "config",
            "templates",
            "static",
            "docs",
            "locale",
            "bench",
            "tests",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".mo", ".png", ".jpg", ".pdf", ".ico", ".woff2"} or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="ignore").splitlines(), 1):
            if line.startswith(MARKERS) and name != "tests/test_no_conflict_markers.py":
                found.append(f"{name}:{number}: {line[:40]}")
    assert not found, "Conflict markers left by a merge:\n" + "\n".join(found)
