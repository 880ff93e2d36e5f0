"""Where the project's data and shipped model live: beside the packages, in the repository (an editable
install) or in site-packages (`pip install .`, which carries `data/` and the checkpoint as package data)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SEEDS_DIR = DATA_DIR / "seeds"
GOLD_DIR = DATA_DIR / "gold"
MODEL_DIR = ROOT / "model" / "checkpoint"
REAL_DEV_DIR = DATA_DIR / "real-dev"  # real reports with hand-checked gold: reports/, gold/, manifest.jsonl
