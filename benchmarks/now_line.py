"""How fast `weatherbot now` answers a status bar, against a minimal Typer app in the same run.

Four figures, each the median of fresh processes run interleaved (so drifts in the machine's
speed hit all alike), each a whole process as a status bar starts it:

- "minimal Typer app": a one-command Typer program printing a line (the yardstick);
- "now, fresh snapshot": `weatherbot now PLACE -f "%c %t %o"` run again while the data behind
  its last answer is fresh (what a status bar does every few seconds);
- "now, warm cache": other arguments each time, so the full command runs, answered from the
  provider cache (no request);
- "now, cold": the default saved place and an empty cache: one forecast request to a fake
  Open-Meteo on 127.0.0.1 (a local server: the network's own latency comes on top).

    python benchmarks/now_line.py            # 15 runs per figure
    python benchmarks/now_line.py --runs 30
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.weather_server import FakeWeather  # noqa: E402

TARGET_RATIO = 1.1
MINIMAL_APP = """
import typer
app = typer.Typer()
@app.command()
def now(place: str = "") -> None:
    print("☁ 12°C 20%")
app()
"""
NOW = [sys.executable, "-m", "weatherbot", "now"]


def run_once(command: list[str], env: dict[str, str]) -> float:
    """Seconds for one fresh process running `command`."""
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    """Print the figures; exit 1 when a fresh `now` is over 1.1x the minimal Typer app."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    fake = FakeWeather().start()
    home = Path(tempfile.mkdtemp(prefix="weatherbot-now-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WEATHERBOT_")},
        "WEATHERBOT_HOME": str(home),
        "WEATHERBOT_OPEN_METEO_URL": fake.base_url,
        "WEATHERBOT_OPEN_METEO_GEOCODING_URL": fake.base_url,
        "PYTHONPATH": str(ROOT),
    }
    cold_home = home / "cold"
    formats = ["%c %t", "%t %o", "%c %o", "%t", "%c", "%o %t", "%l %t"]
    try:
        minimal = [sys.executable, "-c", MINIMAL_APP]
        fresh = [*NOW, "Paris", "-f", "%c %t %o"]
        run_once(minimal, env)
        run_once(fresh, env)  # the snapshot and the caches, and the .pyc files
        run_once([*NOW[:-1], "place", "add", "home", "Paris"], env)
        saved = (home / "places.json").read_bytes()
        times: dict[str, list[float]] = {"minimal": [], "fresh": [], "warm": [], "cold": []}
        for i in range(args.runs):
            times["minimal"].append(run_once(minimal, env))
            times["fresh"].append(run_once(fresh, env))
            # A format not seen before: no snapshot, the full command, the provider cache.
            warm = [*NOW, "Paris", "-f", formats[i % len(formats)] + " " * (i + 1)]
            times["warm"].append(run_once(warm, env))
            shutil.rmtree(cold_home, ignore_errors=True)
            cold_home.mkdir(mode=0o700)
            (cold_home / "places.json").write_bytes(saved)
            cold = {**env, "WEATHERBOT_HOME": str(cold_home)}
            times["cold"].append(run_once([*NOW, "-f", "%c %t %o"], cold))
    finally:
        fake.stop()
        shutil.rmtree(home, ignore_errors=True)
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    base = median["minimal"]
    ratio = median["fresh"] / base
    print(f"minimal Typer app:      {base:6.1f} ms (median of {args.runs})")
    print(f"now, fresh snapshot:    {median['fresh']:6.1f} ms = {ratio:.2f}x (target ≤ 1.1x)")
    for name, label in (("warm", "now, warm cache:"), ("cold", "now, cold (1 request):")):
        print(f"{label:<23} {median[name]:6.1f} ms = {median[name] / base:.2f}x")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
