"""``[[podcast.persons]]`` and an episode's ``persons:`` become typed ``Person`` values."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from publisher.config.person import PERSON_KEYS, Person
from publisher.config.settings import load_config
from publisher.content.loaders import load_site
from publisher.errors import ProblemsFound
from tests.conftest import SiteFactory

HOSTS = """
[[podcast.persons]]
name = "Tess Tester"
role = "Host"
href = "https://example.org/about/"

[[podcast.persons]]
name = "Pat Producer"
role = "producer"
group = "creative direction"
"""


def with_episode_persons(site: SiteFactory, persons: str) -> None:
    site.episode("talk", f"title: A talk\ndate: 2026-01-04\npersons:\n{persons}")


def test_podcast_persons_are_typed(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    (site.root / "site.toml").write_text((site.root / "site.toml").read_text() + HOSTS)
    config, _ = load_config(site.root)
    assert config.podcast.persons == (
        Person("Tess Tester", role="Host", href="https://example.org/about/"),
        Person("Pat Producer", role="producer", group="creative direction"),
    )


def test_episode_persons_are_typed_text(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    with_episode_persons(site, "  - name: 1984\n    role: guest\n    img:\n")
    config, _ = load_config(site.root)
    talk = load_site(config)[0].episode("talk")
    assert talk is not None
    assert talk.persons == (Person("1984", role="guest"),)


def test_unknown_person_key_is_a_problem(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    with_episode_persons(site, "  - name: Gail Guest\n    twitter: '@gail'\n")
    config, _ = load_config(site.root)
    with pytest.raises(ProblemsFound) as caught:
        load_site(config)
    assert [p.message for p in caught.value.problems if p.is_error] == [
        "persons: Gail Guest: unknown key 'twitter'; use: name, role, group, href, img"
    ]


def test_the_keys_are_the_fields() -> None:
    assert PERSON_KEYS == ("name", "role", "group", "href", "img")
    assert Person.from_entry({"name": "A", "href": None}) == Person("A")
