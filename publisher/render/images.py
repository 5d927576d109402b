"""Pictures of the show and its episodes, made with Pillow at build time.

The show's artwork and each episode's cover become resized copies (WebP with a JPEG
fallback) for ``<picture>``, and each episode gets a 1200×630 share image (cover, title and
show name) for links posted on social sites. Every file is named by its content hash and kept
in the build cache under a key of its inputs, so an unchanged image is never made again.
Same input, same bytes: no metadata, no timestamps, fixed encoder settings.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont, ImageOps

from publisher import urls
from publisher.cache import BuildCache, digest
from publisher.config.settings import Config
from publisher.content.model import Site
from publisher.output.tree import OutputTree
from publisher.render.entries import ImageCopy, Picture, SiteView, make_link
from publisher.render.workers import share_work

IMAGES_FORMAT = f"images 2 Pillow {PIL.__version__}"
"""Part of every image's key: bump the number when how images are made changes."""
WIDTHS = (160, 320, 640)
SHARE_SIZE = (1200, 630)
HASH_LENGTH = 10
ENCODERS: dict[str, dict[str, object]] = {
    "webp": {"format": "WEBP", "quality": 80, "method": 6},
    "jpg": {"format": "JPEG", "quality": 85, "optimize": True, "progressive": True},
    # Read by social sites' crawlers, never shown while loading: a baseline JPEG, 7% larger
    # than a progressive one but a third of the time to encode.
    "share": {"format": "JPEG", "quality": 85, "optimize": True},
}
# Share images per chunk (about 4 ms each; each chunk cuts its cover to a square once, 30 ms),
# and below how many a helper costs more than it saves.
SHARES_CHUNK = 64
SHARES_THRESHOLD = 64
BACKGROUND = (24, 37, 51)
TEXT = (255, 255, 255)
MUTED = (190, 203, 216)


class ImageMaker:
    """Makes (or takes from the cache) every image of one build and adds it to ``tree``."""

    def __init__(self, config: Config, cache: BuildCache, tree: OutputTree) -> None:
        self.config = config
        self.cache = cache
        self.tree = tree
        self._pictures: dict[str, Picture] = {}

    def artwork(self) -> Picture | None:
        """Copies of the show's artwork, if it has one."""
        artwork = self.config.podcast.artwork
        return self.picture(self.config.root / artwork, urls.ARTWORK_STEM) if artwork else None

    def picture(self, source: Path, stem: str) -> Picture:
        """Copies of the image at ``source`` at each width up to its own, in both formats.

        The image is opened at most once and resized once per width, for both formats.
        """
        sha = self.cache.file_sha256(source)
        if sha in self._pictures:
            return self._pictures[sha]
        image = _Source(source)
        key = digest(IMAGES_FORMAT, sha, "size")
        sizes = self._product(key, "size", lambda: "{}x{}".format(*image.opened().size).encode())
        width, height = (int(n) for n in sizes.decode().split("x"))
        widths = [w for w in WIDTHS if w <= width] or [width]
        copies: dict[str, list[ImageCopy]] = {"webp": [], "jpg": []}
        for each in widths:
            shown = (each, max(1, round(each * height / width)))
            for ext, made in copies.items():
                key = digest(IMAGES_FORMAT, sha, shown, ext)
                data = self._product(key, ext, partial(image.encoded, shown, ext))
                made.append(self._add(f"{stem}-{each}", data, ext, shown))
        picture = Picture(tuple(copies["webp"]), tuple(copies["jpg"]))
        self._pictures[sha] = picture
        return picture

    def shares(
        self, wanted: list[tuple[Path, str, str]], workers: int | None = None
    ) -> list[ImageCopy]:
        """The 1200×630 share image of each (cover, title, slug) of an episode: its cover,
        its title and the show's name. Those not in the cache are made on every core."""
        show = self.config.podcast.title
        keys = [
            digest(IMAGES_FORMAT, self.cache.file_sha256(cover), title, show, SHARE_SIZE)
            for cover, title, _ in wanted
        ]
        known = [self.cache.image(f"{key}.jpg") for key in keys]
        missing = [(c, t, show) for (c, t, _), data in zip(wanted, known, strict=True) if not data]
        made = iter(share_work(make_shares, missing, SHARES_CHUNK, SHARES_THRESHOLD, workers))
        copies = []
        for (_, _, slug), key, data in zip(wanted, keys, known, strict=True):
            if data is None:
                data = next(made)
                self.cache.store_image(f"{key}.jpg", data)
            copies.append(self._add(f"{slug}-share", data, "jpg", SHARE_SIZE))
        return copies

    def _product(self, key: str, ext: str, make: Callable[[], bytes]) -> bytes:
        name = f"{key}.{ext}"
        data = self.cache.image(name)
        if data is None:
            data = make()
            self.cache.store_image(name, data)
        return data

    def _add(self, stem: str, data: bytes, ext: str, size: tuple[int, int]) -> ImageCopy:
        path = urls.image(stem, hashlib.sha256(data).hexdigest()[:HASH_LENGTH], ext)
        if path not in self.tree:
            self.tree.add(path, data)
        return ImageCopy(make_link(self.config, path), *size)


def add_pictures(
    site: Site, view: SiteView, maker: ImageMaker, workers: int | None = None
) -> SiteView:
    """The view with each episode's picture and share image (the show's artwork stands in
    for a missing cover; with neither, an episode has no pictures)."""
    config = site.config
    artwork = config.root / config.podcast.artwork if config.podcast.artwork else None
    covers = {
        e.slug: (e.cover.source, True) if e.cover else (artwork, False) for e in site.episodes
    }
    pictured = [(entry, *covers[entry.slug]) for entry in view.episodes]
    wanted = [(cover, entry.title, entry.slug) for entry, cover, _ in pictured if cover]
    shares = iter(maker.shares(wanted, workers))
    episodes = []
    for entry, cover, own in pictured:
        if cover is not None:
            picture = maker.picture(cover, f"{entry.slug}-cover" if own else urls.ARTWORK_STEM)
            extras = replace(entry.extras, picture=picture, share=next(shares))
            entry = replace(entry, extras=extras)
        episodes.append(entry)
    return replace(view, episodes=tuple(episodes))


class _Source:
    """An image file, opened when first needed and resized once per size."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._opened: Image.Image | None = None
        self._resized: dict[tuple[int, int], Image.Image] = {}

    def opened(self) -> Image.Image:
        if self._opened is None:
            self._opened = _open(self.path)
        return self._opened

    def encoded(self, size: tuple[int, int], ext: str) -> bytes:
        if size not in self._resized:
            image = self.opened().resize(size, Image.Resampling.LANCZOS)
            image.info = {}
            self._resized[size] = image
        return _encode(self._resized[size], ext)


def make_shares(wanted: list[tuple[Path, str, str]]) -> list[bytes]:
    """Share images of (cover, title, show), each cover cut to its square once."""
    squares: dict[Path, Image.Image] = {}
    made = []
    for cover, title, show in wanted:
        if cover not in squares:
            squares[cover] = share_square(cover)
        made.append(_encode(share_image(squares[cover], title, show), "share"))
    return made


def _open(source: Path) -> Image.Image:
    """The image upright, in RGB (transparency on white), without any of its metadata."""
    with Image.open(source) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image = image.convert("RGB")
    image.info = {}
    return image


def _encode(image: Image.Image, ext: str) -> bytes:
    out = io.BytesIO()
    image.save(out, **ENCODERS[ext])  # type: ignore[arg-type]
    return out.getvalue()


def share_square(cover: Path) -> Image.Image:
    """The cover cut and resized to the square a share image shows."""
    side = SHARE_SIZE[1] - 80
    return ImageOps.fit(_open(cover), (side, side), Image.Resampling.LANCZOS)


def share_image(square: Image.Image, title: str, show: str) -> Image.Image:
    """The cover on the left, the show's name and the episode's title on the right."""
    width, height = SHARE_SIZE
    canvas = Image.new("RGB", SHARE_SIZE, BACKGROUND)
    side = height - 80
    canvas.paste(square, (40, 40))
    draw = ImageDraw.Draw(canvas)
    left, text_width = side + 90, width - side - 130
    draw.text((left, 60), _fit_lines(show, _font(30), text_width, 1)[0], MUTED, _font(30))
    font, lines = _title_lines(title, text_width)
    top = 130
    for line in lines:
        draw.text((left, top), line, TEXT, font)
        top += round(font.size * 1.2)
    return canvas


def _font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's own font (Aileron Regular, CC0 public domain): no file to ship or find."""
    font = ImageFont.load_default(size)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow was built without FreeType"
    return font


def _title_lines(title: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the title fits in five lines (shortened at the smallest)."""
    for size in (64, 56, 48, 42):
        font = _font(size)
        lines = _fit_lines(title, font, width, 5)
        if "".join(lines).replace(" ", "") == title.replace(" ", ""):
            return font, lines
    return font, lines


def _fit_lines(text: str, font: ImageFont.FreeTypeFont, width: int, most: int) -> list[str]:
    """``text`` broken into lines at spaces, at most ``most`` of them, the last one
    shortened with an ellipsis when the text does not fit."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
    last = lines[-1] if lines else ""
    if font.getlength(last) > width:
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines
