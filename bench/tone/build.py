"""Train the tone model and write it to ``api/adapters/tone_model.json.gz``.

    .venv/bin/pip install -e '.[tone]'     # scikit-learn and numpy, for this script only
    .venv/bin/python -m bench.tone.build

Per language, a logistic regression on the features of ``api/adapters/tone_features.py``
(each present feature counts once, the vector is L2-normalised), trained on the corpora
of ``TRAINING`` only; ``bench/tone/evaluate.py`` measures it on the others. The weights
go to a plain JSON file that ``api/adapters/tone.py`` applies with a few lines of
Python, so the application needs neither scikit-learn nor numpy.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from api.adapters.tone_features import features
from bench.tone import corpora

ARTEFACT = Path(__file__).resolve().parents[2] / "api" / "adapters" / "tone_model.json.gz"

# Training corpora per language; evaluation uses only corpora from other sources.
TRAINING = {
    "en": [
        "vader-movies",
        "vader-tweets",
        "vader-nyt",
        "pattern-movie-reviews",
        "pattern-movie-sentences",
    ],
    "fr": ["pattern-fr-books"],
}
MAX_FEATURES = {"en": 60000, "fr": 40000}
C = 4.0  # fixed before any evaluation; L2-normalised binary features
# Binary-only training data (French): probabilities this close to 0.5 are neutral.
NEUTRAL_MARGIN = 0.15


def train(texts: list[str], labels: list[str], max_features: int):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    model = make_pipeline(
        CountVectorizer(analyzer=features, binary=True, min_df=2, max_features=max_features),
        Normalizer(),
        LogisticRegression(C=C, max_iter=2000, class_weight="balanced"),
    )
    model.fit(texts, labels)
    return model


def export(model) -> dict[str, object]:  # type: ignore[no-untyped-def]
    vectorizer, _, regression = model.steps[0][1], model.steps[1][1], model.steps[2][1]
    classes = [str(c) for c in regression.classes_]
    coef = regression.coef_
    intercept = regression.intercept_
    if len(classes) == 2:  # one row of weights for the second class
        coef = [-coef[0], coef[0]]
        intercept = [-intercept[0], intercept[0]]
    weights = {
        feature: [round(float(coef[k][i]), 4) for k in range(len(classes))]
        for feature, i in vectorizer.vocabulary_.items()
    }
    return {
        "classes": classes,
        "bias": [round(float(b), 4) for b in intercept],
        "weights": weights,
        "neutral_margin": NEUTRAL_MARGIN if "neutral" not in classes else None,
    }


def training_set(language: str, loaded: dict[str, corpora.Corpus]) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for name in TRAINING[language]:
        for text, label in loaded[name].items:
            texts.append(text)
            labels.append(label)
    return texts, labels


def main() -> None:
    loaded = corpora.load()
    artefact: dict[str, object] = {"version": 1, "training": TRAINING, "languages": {}}
    for language in TRAINING:
        texts, labels = training_set(language, loaded)
        model = train(texts, labels, MAX_FEATURES[language])
        artefact["languages"][language] = export(model)  # type: ignore[index]
        print(language, len(texts), "texts", len(model.steps[0][1].vocabulary_), "features")
    data = json.dumps(artefact, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # mtime=0: the same model gives the same bytes, so a rebuild shows no spurious diff.
    ARTEFACT.write_bytes(gzip.compress(data.encode(), mtime=0))
    print(ARTEFACT, ARTEFACT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
