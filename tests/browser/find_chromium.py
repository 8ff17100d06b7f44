"""Print the path of a Chromium/Chrome executable, or exit 1 if there is none.

Looks at $CHROMIUM first, then the usual names on PATH.
"""
import os
import shutil
import sys

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium():
    """Return the path of a Chromium executable, or None."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


if __name__ == "__main__":
    path = find_chromium()
    if path is None:
        sys.exit(1)
    print(path)
