"""Generate a deterministic synthetic site for benchmarks: many articles, episodes and tags.

python tools/synthetic_site.py OUT_DIR --articles 900 --episodes 500
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TONE = REPO / "tests" / "data" / "audio" / "tone.mp3"
ARTWORK = REPO / "tests" / "data" / "artwork.png"
WORDS = (
    "back pain movement rest healing tissue load walk sleep stress nerve spine muscle disc "
    "posture exercise bridge stretch recovery flare comfort strength habit breath calm gentle"
).split()
# Letters only: Pelican names tag page 2 "tag/topic-a2.html", which a tag "topic a2" would clash with.
TAGS = [f"topic {chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(40)]


# Inline markup in the proportions of a real article: about one of these per 15 words.
MARKUP = (
    "*{}*",
    "**{}**",
    '"{}"',
    "{}'s",
    "don't {}",
    "[{}](https://example.org/{})",
    "{} -- and",
)


def _paragraph(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    for position in range(3, words - 1, 15):
        chosen[position] = rng.choice(MARKUP).replace("{}", chosen[position])
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, words: int) -> str:
    parts = []
    for section in range(words // 200):
        parts.append(f"## Section {section + 1}\n")
        parts.append(_paragraph(rng, 120) + "\n")
        parts.append(f"- {_paragraph(rng, 12)}\n- {_paragraph(rng, 12)}\n")
        parts.append(_paragraph(rng, 60) + "\n")
    return "\n".join(parts)


def generate(out: Path, articles: int, episodes: int, words: int = 1200, seed: int = 7) -> Path:
    """Write the site into ``out`` (replacing it) and return ``out``."""
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    (out / "articles").mkdir(parents=True)
    (out / "site.toml").write_text(
        '[site]\ntitle = "Synthetic"\nbase_url = "https://synthetic.example"\n'
        'timezone = "Europe/London"\n\n[podcast]\nowner_name = "Bench"\n'
        'owner_email = "bench@synthetic.example"\nartwork = "artwork.png"\n'
        'category = "Health & Fitness / Medicine"\n'
    )
    shutil.copyfile(ARTWORK, out / "artwork.png")
    start = date(2020, 1, 5)
    for index in range(articles):
        day = start + timedelta(days=index)
        tags = ", ".join(sorted(rng.sample(TAGS, 3)))
        pair = f"\nepisode: episode-{index}" if index < episodes else ""
        (out / "articles" / f"{day}-article-{index}.md").write_text(
            f"---\ntitle: Article {index}\ndate: {day}\ntags: [{tags}]{pair}\n---\n"
            + _body(rng, words)
        )
    for index in range(episodes):
        folder = out / "episodes" / f"episode-{index}"
        folder.mkdir(parents=True)
        day = start + timedelta(days=index)
        (folder / "episode.md").write_text(
            f"---\ntitle: Episode {index}\ndate: {day}\nnumber: {index + 1}\n---\n"
            + _paragraph(rng, 80)
            + "\n"
        )
        shutil.copyfile(TONE, folder / f"episode-{index}.mp3")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1200)
    args = parser.parse_args()
    generate(args.out, args.articles, args.episodes, args.words)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
