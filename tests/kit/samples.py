"""Hand-built alerts between the June 2020 and March 2021 Small Group communiqués.

The sentences are quoted from the two seed captures; the changes are written by hand
(the diff engine is not needed to exercise rendering and delivery).
"""

from __future__ import annotations

from coalition_watch.model import Alert, Change, Diff, Document, StatementRef

JUNE_2020 = StatementRef(
    title="Joint Communique by Ministers of the Global Coalition to Defeat ISIS Small Group",
    published="2020-06-04",
    url="https://www.state.gov/joint-communique-by-ministers-of-the-global-coalition-to-defeat-isis-small-group/",
    source="state_gov",
    series="small_group_ministerial",
    language="en",
    version_id=1,
)
MARCH_2021 = StatementRef(
    title="Joint Communique by Ministers of the Global Coalition to Defeat ISIS Small Group",
    published="2021-03-30",
    url="https://www.state.gov/joint-communique-by-ministers-of-the-global-coalition-to-defeat-isis-small-group-2/",
    source="state_gov",
    series="small_group_ministerial",
    language="en",
    version_id=2,
)


def seed_changes() -> list[Change]:
    return [
        Change(
            kind="modified",
            significance="substantive",
            old="We will continue our close cooperation with and support to the Government of "
            "Iraq on appropriate measures to adapt the operational efficiency and coordination "
            "of our collective efforts to defeat Daesh/ISIS.",
            new="The Ministers reiterated their unwavering commitment to continue close "
            "cooperation with and support to the Government of Iraq.",
            inserted=["The Ministers reiterated their unwavering commitment to"],
            deleted=["We will", "our", "on appropriate measures to adapt the operational"],
            themes=["iraq"],
        ),
        Change(
            kind="added",
            significance="substantive",
            old=None,
            new="The Ministers expressed their condolences and reiterated their support to Iraqi "
            "authorities following the increased Daesh/ISIS activity in Iraq and Syria in recent "
            "months, including the double suicide attacks in Baghdad on January 21, and called "
            "for continued and coordinated action.",
            themes=["iraq", "military"],
        ),
        Change(
            kind="added",
            significance="substantive",
            old=None,
            new="The Ministers also welcomed the Coalition meeting held on November 10, 2020 on "
            "Daesh/ISIS threats in West Africa, noting with concern the serious and growing "
            "threat Daesh/ISIS affiliates pose across West Africa and the Sahel, as well as the "
            "emerging threat in other parts of the continent, particularly in East Africa.",
            themes=["africa"],
        ),
        Change(
            kind="modified",
            significance="substantive",
            old="This includes allocating adequate resources to sustain Coalition and legitimate "
            "partner forces’ efforts against Daesh/ISIS in Iraq and Syria.",
            new="This includes allocating adequate military and civilian resources to sustain "
            "Coalition and legitimate partner forces' efforts against "
            "Daesh/ISIS in Iraq and Syria.",
            inserted=["military and civilian"],
            themes=["military", "iraq"],
        ),
        Change(
            kind="removed",
            significance="substantive",
            old="We welcome the establishment of a new government in Baghdad, and look forward to "
            "engaging in a fruitful dialogue with the Government of Iraq on our joint endeavor to "
            "maintain pressure on Daesh/ISIS.",
            new=None,
            themes=["iraq"],
        ),
        Change(
            kind="modified",
            significance="cosmetic",
            old="Daesh/ISIS’s atrocities",
            new="Daesh/ISIS's atrocities",
            themes=[],
        ),
    ]


def seed_alert(changes: list[Change] | None = None, *, key: str = "comparison:1") -> Alert:
    """The March 2021 communiqué compared with the June 2020 one (the previous meeting)."""
    changes = seed_changes() if changes is None else changes
    diff = Diff(
        old=Document(title=JUNE_2020.title, paragraphs=(), published=JUNE_2020.published),
        new=Document(title=MARCH_2021.title, paragraphs=(), published=MARCH_2021.published),
        changes=changes,
    )
    themes = sorted({t for c in diff.substantive for t in c.themes})
    return Alert(
        kind="new_statement",
        key=key,
        statement=MARCH_2021,
        previous=JUNE_2020,
        basis="series",
        themes=themes,
        diff=diff,
        link="http://localhost:8080/statements/comparisons/1",
    )


def many_changes(n: int, *, length: int = 400) -> list[Change]:
    """`n` substantive changes with long sentences, for the platform-limit tests."""
    themes = ["iraq", "syria", "africa", "military", "detention", "financing"]
    filler = "The Ministers reaffirmed their determination to defeat Daesh/ISIS. "
    changes = []
    for i in range(n):
        text = (f"Passage {i}: " + filler * (length // len(filler) + 1))[:length]
        changes.append(
            Change(
                kind="modified" if i % 3 else "added",
                significance="substantive",
                old=text.replace("reaffirmed", "recalled") if i % 3 else None,
                new=text,
                themes=[themes[i % len(themes)]],
            )
        )
    return changes
