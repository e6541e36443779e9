"""Make the README's pictures: run the journey test with screenshots on, then shrink the chosen steps into docs/.

    .venv/bin/python scripts/readme_screenshots.py

Each picture is cut to the top of the page (what a person sees first), scaled to 640 px wide and stored as a
palette PNG, so the repository stays small.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
# step name in the journey → file name in docs/screenshots, and how much of the page's top to keep (CSS px)
CHOSEN = {
    "dashboard-clocks": ("1-dashboard.png", 1100),
    "readiness-passed": ("2-readiness.png", 700),
    "public-page": ("3-public-page.png", 1100),
    "inquiry-acknowledged": ("4-inquiry.png", 1100),
    "reply-sent": ("5-reply-sent.png", 1500),
    "executive-pdf": ("6-executive-pdf.png", 2000),
}
WIDTH = 640


def main() -> None:
    shots = Path(tempfile.mkdtemp(prefix="breachdesk-shots-"))
    env = {**os.environ, "BREACHDESK_SCREENSHOT_DIR": str(shots)}
    test = "src/breachdesk/journey/tests/test_worst_day.py"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:logging", test], cwd=ROOT, env=env, check=True)  # noqa: S603
    OUT.mkdir(parents=True, exist_ok=True)
    for step, (name, keep) in CHOSEN.items():
        source = next(shots.glob(f"*-{step}.png"))
        image = Image.open(source).convert("RGB")
        image = image.crop((0, 0, image.width, min(image.height, keep)))
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.Resampling.LANCZOS)
        image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(OUT / name, optimize=True)
        print(f"{name}: {(OUT / name).stat().st_size // 1024} KB")  # noqa: T201 - a script reporting to its user


if __name__ == "__main__":
    main()
