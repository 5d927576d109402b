"""Apple Podcasts categories (the 2019 list) and the Podcasting 2.0 person taxonomy."""

from __future__ import annotations

import difflib

APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
        "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
        "Sports News", "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Spirituality",
    ),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
        "Natural Sciences", "Nature", "Physics", "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships",
    ),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
        "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}  # fmt: skip

PERSON_GROUPS: dict[str, tuple[str, ...]] = {
    "creative direction": (
        "director", "assistant director", "executive producer", "senior producer", "producer",
        "associate producer", "development producer", "creative director",
    ),
    "cast": (
        "host", "co-host", "guest host", "guest", "voice actor", "narrator", "announcer",
        "reporter",
    ),
    "writing": (
        "author", "editorial director", "co-writer", "writer", "songwriter", "guest writer",
        "story editor", "managing editor", "script editor", "script coordinator", "researcher",
        "editor", "fact checker", "translator", "transcriber", "logger",
    ),
    "audio production": (
        "studio coordinator", "technical director", "technical manager", "audio engineer",
        "remote recording engineer", "post production engineer",
    ),
    "audio post-production": (
        "audio editor", "sound designer", "foley artist", "composer", "theme music",
        "music production", "music contributor",
    ),
    "administration": (
        "production coordinator", "booking coordinator", "production assistant",
        "content manager", "marketing manager", "sales representative", "sales manager",
    ),
    "visuals": ("graphic designer", "cover art designer"),
    "community": ("social media manager",),
    "misc.": ("consultant", "intern"),
    "video production": ("camera operator", "lighting designer", "camera grip", "assistant camera"),
    "video post-production": ("editor", "assistant editor"),
}  # fmt: skip


def category_problem(main: str, sub: str) -> str | None:
    """Why ``main / sub`` is not an Apple category, or ``None`` when it is.

    >>> category_problem("Health & Fitness", "Medicine") is None
    True
    >>> category_problem("Health", "")
    "'Health' is not an Apple Podcasts category; did you mean 'Health & Fitness'?"
    """
    if main not in APPLE_CATEGORIES:
        close = difflib.get_close_matches(main, list(APPLE_CATEGORIES), n=1, cutoff=0.3)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{main!r} is not an Apple Podcasts category{hint}"
    subs = APPLE_CATEGORIES[main]
    if sub and sub not in subs:
        options = ", ".join(subs) if subs else "none"
        return f"{sub!r} is not a subcategory of {main!r} (choose from: {options})"
    return None


def person_problem(role: str, group: str) -> str | None:
    """Why a ``podcast:person`` role or group is not in the taxonomy, or ``None``.

    >>> person_problem("guest", "cast") is None, person_problem("Host", "") is None
    (True, True)
    >>> person_problem("hero", "cast")
    "role 'hero' is not in group 'cast' of the Podcasting 2.0 taxonomy"
    """
    group_key = (group or "cast").lower()
    if group_key not in PERSON_GROUPS:
        return f"group {group!r} is not in the Podcasting 2.0 taxonomy"
    if role and role.lower() not in PERSON_GROUPS[group_key]:
        return f"role {role!r} is not in group {group_key!r} of the Podcasting 2.0 taxonomy"
    return None
