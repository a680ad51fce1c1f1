"""Bot-side peak memory: a fresh process loads the model and index and answers questions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CODE = """
import json, sys
from pathlib import Path
from bot.knowledge import Knowledge
from bot.settings import Settings
from indexer.answer import answer
data, model, questions = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
kn = Knowledge(Settings(data_dir=data, embed_model=model))
for q in questions:
    answer(q, kn.searcher)
# VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the parent's peak
print(int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024)
"""


def measure(data: Path, model: Path, questions: list[str]) -> float:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", CODE, str(data), str(model), json.dumps(questions)],
                         capture_output=True, text=True, cwd=root, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 1)
