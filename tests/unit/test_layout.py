import pytest

from coalition_watch.layout import assess, body_loss

PREVIOUS = [
    "The Ministers reaffirmed their shared determination to defeat Daesh/ISIS in Iraq and Syria.",
    "The Coalition operates in Iraq at the request of the Government of Iraq.",
    "The Ministers agreed to meet again in Italy as soon as circumstances permit.",
]


def test_no_body_at_all_is_suspect():
    for new in (None, [], ["  "]):
        verdict = assess(PREVIOUS, new)
        assert verdict.suspect
        assert "matched no statement body" in verdict.reason


def test_first_version_is_never_suspect():
    assert not assess(None, PREVIOUS).suspect


def test_losing_most_of_the_body_is_suspect_and_says_how_much():
    verdict = assess(PREVIOUS, PREVIOUS[:1] + ["Top of page"])
    assert verdict.suspect
    assert verdict.lost > 0.6
    assert "layout probably changed" in verdict.reason


def test_a_normal_edit_is_not_suspect():
    edited = [PREVIOUS[0], PREVIOUS[1].replace("request", "invitation"), PREVIOUS[2]]
    verdict = assess(PREVIOUS, edited)
    assert not verdict.suspect
    assert 0 < verdict.lost < 0.1


def test_typography_reordering_and_numbering_count_as_no_loss():
    shown = [f"{i}. {p.replace(chr(39), chr(0x2019))}" for i, p in enumerate(reversed(PREVIOUS), 1)]
    assert body_loss(PREVIOUS, shown) == 0


def test_threshold_is_configurable_and_checked():
    two_thirds = PREVIOUS[:1]  # 65% of the words are gone
    assert assess(PREVIOUS, two_thirds).suspect is True
    assert assess(PREVIOUS, two_thirds, max_loss=0.7).suspect is False
    with pytest.raises(ValueError):
        assess(PREVIOUS, two_thirds, max_loss=0)
