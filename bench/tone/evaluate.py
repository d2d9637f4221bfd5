"""Accuracy and macro-F1 of the tone classifiers on corpora none of them was trained on.

    .venv/bin/python -m bench.tone.evaluate

For each evaluation corpus (never one of ``bench/tone/build.py``'s training sources):
*binary* reads the positive and negative texts only and takes each method's sign
(model: P(positive) against P(negative); VADER: its compound score, 0 counted wrong);
*three classes* reads every text of the corpora whose labels have a neutral class and
takes each method's own positive / neutral / negative answer.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from api.adapters.tone_model import load
from bench.tone import corpora
from bench.tone.build import TRAINING

EVALUATION = {
    "en": ["vader-amazon", "uci-amazon", "uci-yelp", "uci-imdb"],
    "fr": ["pattern-fr-books"],
}
LABELS = ("negative", "neutral", "positive")


def accuracy_f1(gold: list[str], guess: list[str], labels: tuple[str, ...]) -> tuple[float, float]:
    right = sum(g == p for g, p in zip(gold, guess, strict=True))
    f1s = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, guess, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, guess, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, guess, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return right / len(gold), sum(f1s) / len(f1s)


def sign(value: float) -> str:
    return "positive" if value > 0 else "negative" if value < 0 else "neutral"


def methods(language: str):  # type: ignore[no-untyped-def]
    """(name, polarity(text) -> float, label(text) -> str) for each method compared."""
    model = load()[language]
    found = [("model", model.polarity, model.label)]
    try:  # the rules (used for French, and for English before the model)
        from api.adapters.tone import LexiconToneClassifier  # type: ignore[attr-defined]

        lexicon = LexiconToneClassifier()
        found.append(
            (
                "lexicon rules",
                lambda t: lexicon.score(t, language)[1],
                lambda t: lexicon.classify(t, language).value,
            )
        )
    except ImportError:
        pass
    if language == "en":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader = SentimentIntensityAnalyzer()

        def compound(text: str) -> float:
            return float(vader.polarity_scores(text)["compound"])

        def vader_label(text: str) -> str:
            c = compound(text)
            return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"

        found.append(("VADER", compound, vader_label))
    return found


def rows(language: str, corpus: str, items: list[tuple[str, str]], three: bool):  # type: ignore[no-untyped-def]
    out = []
    for name, polarity, label in methods(language):
        if name == "model" and corpus in TRAINING[language]:
            continue  # its own training data: see cross_validated_french
        polar = [(t, lab) for t, lab in items if lab != "neutral"]
        bin_acc, bin_f1 = accuracy_f1(
            [lab for _, lab in polar],
            [sign(polarity(t)) for t, _ in polar],
            ("negative", "positive"),
        )
        three_fig = None
        if three:
            three_fig = accuracy_f1([lab for _, lab in items], [label(t) for t, _ in items], LABELS)
        out.append((name, len(polar), bin_acc, bin_f1, len(items) if three else None, three_fig))
    return out


def table(
    evaluation: dict[str, list[str]], extra: dict[str, list[tuple[str, str, list[tuple[str, str]]]]]
) -> None:
    loaded = corpora.load()
    print(
        "| language | corpus (source) | method | binary n | binary accuracy | binary macro-F1 | 3-class n | 3-class accuracy | 3-class macro-F1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for language in ("en", "fr"):
        sets = [(n, loaded[n].source, loaded[n].items) for n in evaluation[language]]
        sets += extra.get(language, [])
        for name, source, items in sets:
            three = any(lab == "neutral" for _, lab in items)
            for method, n, acc, f1, n3, fig3 in rows(language, name, items, three):
                cells3 = f"{n3} | {fig3[0]:.3f} | {fig3[1]:.3f}" if fig3 else "— | — | —"
                print(
                    f"| {language} | {name} ({source}) | {method} | {n} | {acc:.3f} | {f1:.3f} | {cells3} |"
                )
            sys.stdout.flush()


def project_sets() -> dict[str, list[tuple[str, str, list[tuple[str, str]]]]]:
    """The sentences this project wrote (tests/data): read while writing the old lexicon,
    so they are shown apart and say nothing about text from elsewhere."""
    out: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {}
    for language in ("en", "fr"):
        items: list[tuple[str, str]] = []
        for stem in ("eval", "holdout"):
            path = Path("tests/data") / f"sentiment_{stem}_{language}.tsv"
            for line in path.read_text(encoding="utf-8").splitlines()[1:]:
                text, _, label = line.rpartition("\t")
                if text:
                    items.append((text, label))
        out[language] = [("tests/data eval + old holdout", "this project", items)]
    return out


def cross_validated_french(folds: int = 5) -> None:
    """French has one shipped corpus: the model's figure on it is cross-validated (trained
    on four fifths, scored on the fifth left out), an in-corpus figure, not cross-corpus."""
    from bench.tone.build import MAX_FEATURES, train

    items = corpora.load()["pattern-fr-books"].items
    gold: list[str] = []
    guess: list[str] = []
    for k in range(folds):
        test = items[k::folds]
        rest = [it for i, it in enumerate(items) if i % folds != k]
        model = train([t for t, _ in rest], [lab for _, lab in rest], MAX_FEATURES["fr"])
        p = model.predict_proba([t for t, _ in test])
        classes = list(model.classes_)
        for (_, lab), row in zip(test, p, strict=True):
            gold.append(lab)
            guess.append(sign(row[classes.index("positive")] - row[classes.index("negative")]))
    acc, f1 = accuracy_f1(gold, guess, ("negative", "positive"))
    print(
        f"| fr | pattern-fr-books ({folds}-fold, in-corpus) | model | {len(gold)} | {acc:.3f} | {f1:.3f} | — | — | — |"
    )


def main() -> None:
    start = time.perf_counter()
    evaluation = dict(EVALUATION)
    if "--project-sets" in sys.argv:
        table(evaluation, project_sets())
    else:
        table(evaluation, {})
    if "--french-cv" in sys.argv:
        cross_validated_french()
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
