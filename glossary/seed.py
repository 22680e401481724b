"""The newsroom's seed glossary (glossary/data/seed.json): the names of Kosovo news in every
language and script, with their inflected forms and notes on where usage differs."""

from __future__ import annotations

import json
from pathlib import Path

from glossary.model import Concept, from_dict, validate

SEED = Path(__file__).with_name("data") / "seed.json"


def load_seed() -> list[Concept]:
    concepts = [from_dict(d) for d in json.loads(SEED.read_text("utf-8"))]
    validate(concepts)
    return concepts
