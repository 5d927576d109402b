from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config.settings import load_config
from publisher.errors import ConfigError, ProblemsFound
from tests.conftest import SiteFactory


def messages(err: ProblemsFound) -> list[str]:
    return [str(p) for p in err.problems]


def test_minimal_config_gets_sensible_defaults(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.write("site.toml", '[site]\ntitle = "Tiny"\nbase_url = "https://tiny.example/show/"\n')
    config, warnings = load_config(site.root)
    assert warnings == []
    assert config.site.base_url == "https://tiny.example/show"
    assert config.site.base_path == "/show/"
    assert config.feed_url == "https://tiny.example/show/feed.xml"
    assert config.podcast.title == "Tiny"
    assert config.podcast.type == "episodic"
    assert config.podcast.release_weekday == "sunday"
    assert config.site.release_time == dt.time(6, 0)


def test_full_config_is_read(make_site: Callable[..., SiteFactory]) -> None:
    config, _ = load_config(make_site().root)
    assert config.podcast.category == "Health & Fitness"
    assert config.podcast.subcategory == "Medicine"
    assert config.podcast.owner_email == "tess@example.org"
    assert config.site.language == "en-gb"


def test_every_wrong_key_is_reported_at_once(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.write(
        "site.toml",
        """
        [site]
        base_url = "example.org"
        language = "English"
        timezone = "Europe/Londn"

        [podcast]
        owner_email = "not-an-email"
        explicit = "no"
        type = "weekly"
        release_weekday = "sundays"
        """,
    )
    with pytest.raises(ProblemsFound) as caught:
        load_config(site.root)
    path = site.root / "site.toml"
    assert messages(caught.value) == [
        f"{path}: key site.title: error: is required but missing",
        f"{path}: key site.base_url: error: 'example.org' is not an absolute http(s) URL such as "
        "'https://example.org'",
        f"{path}: key site.language: error: 'English' is not a language code such as 'en' or 'en-gb'",
        f"{path}: key site.timezone: error: unknown timezone 'Europe/Londn' (use an IANA name such as "
        "'Europe/London')",
        f"{path}: key podcast.explicit: error: must be true or false (without quotes)",
        f"{path}: key podcast.owner_email: error: 'not-an-email' is not an email address",
        f"{path}: key podcast.type: error: 'weekly' must be one of: episodic, serial",
        f"{path}: key podcast.release_weekday: error: 'sundays' must be one of: monday, tuesday, "
        "wednesday, thursday, friday, saturday, sunday",
    ]


def test_unknown_keys_are_warnings(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    (site.root / "site.toml").write_text(
        (site.root / "site.toml").read_text() + 'colour = "blue"\n[extras]\nx = 1\n'
    )
    _, warnings = load_config(site.root)
    assert [str(w) for w in warnings] == [
        f"{site.root / 'site.toml'}: key podcast.colour: warning: unknown key is ignored",
        f"{site.root / 'site.toml'}: warning: unknown section [extras] is ignored",
    ]


def test_toml_syntax_error_names_the_line(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.write("site.toml", '[site]\ntitle = "A"\nbase_url = https://x\n')
    with pytest.raises(ConfigError) as caught:
        load_config(site.root)
    assert str(caught.value).startswith(f"{site.root / 'site.toml'}:3: error: not valid TOML: ")


def test_missing_config_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no site.toml here; run publisher in a site directory"):
        load_config(tmp_path)


def test_missing_artwork_is_an_error(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    (site.root / "site.toml").write_text(
        (site.root / "site.toml").read_text().replace("artwork.png", "cover.jpg")
    )
    with pytest.raises(ProblemsFound) as caught:
        load_config(site.root)
    assert messages(caught.value) == [
        f"{site.root / 'site.toml'}: key podcast.artwork: error: artwork file cover.jpg does not exist"
    ]


def test_artwork_outside_the_site_is_refused(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    (site.root / "site.toml").write_text(
        (site.root / "site.toml").read_text().replace("artwork.png", "../secret.jpg")
    )
    with pytest.raises(ProblemsFound, match="must be a path inside the site directory"):
        load_config(site.root)
