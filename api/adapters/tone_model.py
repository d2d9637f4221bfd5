"""The trained tone model applied in plain Python (no scikit-learn or numpy at run time).

``tone_model.json.gz`` (about 1 MB, rebuilt by ``bench/tone/build.py`` from corpora that
packages ship) holds, per language, the classes, their biases and each feature's weights.
A text's score for a class is its bias plus the sum of the weights of the features it
contains, each counted once and divided by the square root of how many known features
it has (the L2 normalisation the model was trained with); the highest score wins. A
language trained on positive and negative texts only calls a text neutral when its
probability of being positive is within ``neutral_margin`` of one half; one trained
with a neutral class answers neutral only above ``NEUTRAL_CONFIDENCE``.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

from api.adapters.tone_features import features

ARTEFACT = Path(__file__).with_name("tone_model.json.gz")
# A text is neutral only when the model is this sure of it, else the likelier of positive
# and negative. Chosen among 0.5 / 0.6 / 0.7 on the development set
# tests/data/sentiment_eval_en.tsv (three-class macro-F1 0.685 / 0.709 / 0.724; taking the
# most likely class outright gave 0.682), never on an evaluation corpus.
NEUTRAL_CONFIDENCE = 0.7


@dataclass(frozen=True)
class LanguageModel:
    classes: list[str]
    bias: list[float]
    weights: dict[str, list[float]]
    neutral_margin: float | None

    def scores(self, text: str) -> list[float]:
        present = {f for f in features(text) if f in self.weights}
        totals = list(self.bias)
        if present:
            scale = 1.0 / math.sqrt(len(present))
            for feature in present:
                for k, w in enumerate(self.weights[feature]):
                    totals[k] += w * scale
        return totals

    def probabilities(self, text: str) -> dict[str, float]:
        scores = self.scores(text)
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def label(self, text: str) -> str:
        p = self.probabilities(text)
        if self.neutral_margin is not None and abs(p["positive"] - 0.5) < self.neutral_margin:
            return "neutral"
        if p.get("neutral", 0.0) > NEUTRAL_CONFIDENCE:
            return "neutral"
        return "positive" if p["positive"] >= p["negative"] else "negative"

    def polarity(self, text: str) -> float:
        """P(positive) - P(negative): the sign is the model's positive-or-negative choice."""
        p = self.probabilities(text)
        return p["positive"] - p["negative"]


def load(path: Path = ARTEFACT) -> dict[str, LanguageModel]:
    data = json.loads(gzip.decompress(path.read_bytes()))
    return {
        language: LanguageModel(m["classes"], m["bias"], m["weights"], m["neutral_margin"])
        for language, m in data["languages"].items()
    }
