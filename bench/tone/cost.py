"""What classifying one comment costs, on this machine, in process.

    .venv/bin/python -m bench.tone.cost

Times ``default_classifier().classify`` on the sentences of ``tests/data`` (short
comments, both languages, each timed 20 times) and on the longest inputs the API
accepts (5,000 characters of prose, of emoji, of URLs), and prints the median and
99th percentile per comment plus the one-off loading time.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
ROUNDS = 20


def _timed(classify, text: str, language: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    classify(text, language)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    start = time.perf_counter()
    from api.adapters.tone import default_classifier

    classify = default_classifier().classify
    print(f"loading: {(time.perf_counter() - start) * 1000:.0f} ms (once per process)")
    for language in ("en", "fr"):
        lines = (
            (DATA / f"sentiment_eval_{language}.tsv").read_text(encoding="utf-8").splitlines()[1:]
        )
        texts = [line.rsplit("\t", 1)[0] for line in lines]
        samples = [_timed(classify, t, language) for _ in range(ROUNDS) for t in texts]
        samples.sort()
        p99 = samples[int(len(samples) * 0.99)]
        print(
            f"{language} comments ({len(texts)} x {ROUNDS}): p50 {statistics.median(samples):.3f} ms, "
            f"p99 {p99:.3f} ms"
        )
    prose = ("The new release is faster and the docs are clearer. " * 100)[:5000]
    worst = {
        "prose 5,000 chars": prose,
        "5,000 emoji": "😊" * 5000,
        "URLs only": ("https://example.com/a/b?c=d " * 200)[:5000],
    }
    for name, text in worst.items():
        for language in ("en", "fr"):
            samples = sorted(_timed(classify, text, language) for _ in range(5))
            print(f"{name} ({language}): median {statistics.median(samples):.1f} ms")


if __name__ == "__main__":
    main()
