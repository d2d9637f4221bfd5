"""The score of the application's tone classifier on the held-out sets
``tests/data/tone_holdout_v2_{en,fr}.tsv``: 50 comments each (20 positive, 20 negative,
10 neutral), written before the model existed and never read by anyone changing the
classifier. Only the figures are printed, never a sentence or a per-sentence answer;
run it once per release of the model and put the figures in the README.

    .venv/bin/python -m bench.tone.holdout
"""

from __future__ import annotations

from pathlib import Path

from api.adapters.tone import default_classifier
from bench.tone.evaluate import LABELS, accuracy_f1

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


def main() -> None:
    classifier = default_classifier()
    for language in ("en", "fr"):
        lines = (
            (DATA / f"tone_holdout_v2_{language}.tsv").read_text(encoding="utf-8").splitlines()[1:]
        )
        pairs = [line.rsplit("\t", 1) for line in lines if line.strip()]
        gold = [label for _, label in pairs]
        guess = [classifier.classify(text, language).value for text, _ in pairs]
        acc3, f13 = accuracy_f1(gold, guess, LABELS)
        polar = [(g, p) for g, p in zip(gold, guess, strict=True) if g != "neutral"]
        acc2, f12 = accuracy_f1(
            [g for g, _ in polar], [p for _, p in polar], ("negative", "positive")
        )
        print(
            f"{language}: binary (neutral answers count wrong) accuracy {acc2:.3f} macro-F1 {f12:.3f} "
            f"on {len(polar)}; three classes accuracy {acc3:.3f} macro-F1 {f13:.3f} on {len(gold)}"
        )


if __name__ == "__main__":
    main()
