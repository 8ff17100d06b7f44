"""Print the path of a Chromium/Chrome executable, or exit 1 if there is none.

Looks at $CHROMIUM first, then the usual names on PATH, then the usual macOS places.
"""
import os
import shutil
import sys

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Where browsers live outside PATH (GitHub's macOS runners have Google Chrome here).
PATHS = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
         "/Applications/Chromium.app/Contents/MacOS/Chromium")


def find_chromium():
    """Return the path of a Chromium executable, or None."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    for path in PATHS:
        if os.access(path, os.X_OK):
            return path
    return None


if __name__ == "__main__":
    path = find_chromium()
    if path is None:
        sys.exit(1)
    print(path)
