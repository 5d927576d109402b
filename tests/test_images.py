"""Pictures: resized copies of the artwork and covers, share images, and their reuse."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html
from PIL import Image

from publisher.cache import BuildCache
from publisher.content.loaders import load_project
from publisher.render.site import render_site
from tests.conftest import NOW, SiteFactory, build_site
from tests.htmlcheck import html_errors

FORMATS = {".webp": "WEBP", ".jpg": "JPEG"}


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def images_of(folder: Path) -> dict[str, Image.Image]:
    return {p.name: opened(p.read_bytes()) for p in sorted((folder / "static/images").iterdir())}


def pictures(page: Path) -> list[lxml_html.HtmlElement]:
    return list(lxml_html.fromstring(page.read_bytes()).xpath("//picture"))


def test_copies_and_share_images_have_their_sizes_and_formats(sample_build: Path) -> None:
    images = images_of(sample_build)
    for name, image in images.items():
        assert image.format == FORMATS[Path(name).suffix], name
        if "-share." in name:
            assert image.size == (1200, 630), name
        else:
            width = int(name.split(".")[0].rsplit("-", 1)[1])
            assert image.size == (width, width), name  # the sample artwork is square
    assert {n.split(".")[0] for n in images} >= {"artwork-160", "artwork-320", "artwork-640"}
    assert {n.split(".")[0] for n in images if n.endswith(".webp")} == {
        "artwork-160",
        "artwork-320",
        "artwork-640",
    }


def check_picture(picture: lxml_html.HtmlElement, out: Path) -> lxml_html.HtmlElement:
    """The picture's files exist; its image has a size and alt text; returns the image."""
    (source,) = picture.xpath(".//source")
    (img,) = picture.xpath(".//img")
    assert source.get("type") == "image/webp"
    urls = [img.get("src")] + [
        part.split()[0] for s in (source, img) for part in s.get("srcset").split(", ")
    ]
    for url in urls:
        assert (out / url.lstrip("/")).is_file(), url
    assert int(img.get("width")) > 0 and int(img.get("height")) > 0
    assert img.get("alt") is not None and img.get("sizes")
    return img


def test_pages_show_the_artwork_with_sizes_and_lazy_loading(sample_build: Path) -> None:
    home = pictures(sample_build / "index.html")
    images = [check_picture(p, sample_build) for p in home]
    classes = [p.get("class") for p in home]
    assert classes[:2] == ["logo", "artwork"] and set(classes[2:]) == {"cover"}
    assert images[1].get("loading") is None  # the large artwork is seen first
    assert images[1].get("alt") == "Artwork of Back to Basics: the weekly back pain podcast"
    assert all(img.get("loading") == "lazy" for i, img in enumerate(images) if i != 1)
    episode = pictures(sample_build / "episodes/rehab-at-home/index.html")
    cover = check_picture(episode[1], sample_build)
    assert (cover.get("width"), cover.get("height"), cover.get("loading")) == ("240", "240", "lazy")
    listed = pictures(sample_build / "episodes/index.html")
    assert len(listed) == 1 + 3  # the header and the three released episodes


def cover(path: Path, size: tuple[int, int], colour: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def test_an_episode_cover_is_used_and_share_images_differ(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    cover(small_site.root / "episodes/first/cover.png", (800, 600), "red")
    out = build_site(small_site.root, tmp_path / "out")
    images = images_of(out)
    assert images["first-cover-640." + _hash_of(images, "first-cover-640")].size == (640, 480)
    page = pictures(out / "episodes/first/index.html")
    img = check_picture(page[1], out)
    assert "/first-cover-320." in img.get("src")
    assert (img.get("width"), img.get("height")) == ("240", "180")
    second = check_picture(pictures(out / "episodes/second/index.html")[1], out)
    assert "/artwork-320." in second.get("src")
    first_share = (out / "static/images").glob("first-share.*.jpg")
    second_share = (out / "static/images").glob("second-share.*.jpg")
    one, two = next(first_share).read_bytes(), next(second_share).read_bytes()
    assert one != two
    assert opened(one).getpixel((300, 300)) == (254, 0, 0)  # the red cover
    assert html_errors(out) == []


def _hash_of(images: dict[str, Image.Image], stem: str) -> str:
    (name,) = [n for n in images if n.startswith(stem + ".") and n.endswith(".jpg")]
    return name.split(".", 1)[1]


def test_a_second_build_makes_no_image(small_site: SiteFactory, tmp_path: Path) -> None:
    fresh = BuildCache()
    render_site(load_project(small_site.root).site, NOW, cache=fresh)
    assert fresh.images_made > 0
    build_site(small_site.root, tmp_path / "out")
    cache = BuildCache.open(small_site.root)
    tree = render_site(load_project(small_site.root, cache).site, NOW, cache=cache)
    assert cache.images_made == 0
    made = {p: tree.read(p) for p in tree if p.startswith("static/images/")}
    again = render_site(load_project(small_site.root).site, NOW, cache=BuildCache())
    assert made == {p: again.read(p) for p in again if p.startswith("static/images/")}


def test_a_site_without_artwork_has_no_pictures(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.write(
        "site.toml", (site.root / "site.toml").read_text().replace('artwork = "artwork.png"\n', "")
    )
    site.episode("first", "title: First\ndate: 2026-01-04")
    out = build_site(site.root, tmp_path / "out")
    assert pictures(out / "index.html") == []
    assert not (out / "static/images").exists()
