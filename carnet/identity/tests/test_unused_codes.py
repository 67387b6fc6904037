"""Codes typed from paper are looked up alone, across every record: a new one is drawn again while a live
row holds it, and the search gives up rather than loop."""

import pytest

from carnet.identity import codes


def test_a_taken_code_is_drawn_again():
    seen = []

    def taken(code):
        seen.append(code)
        return len(seen) < 3

    code = codes.new_unused_code(taken)
    assert code == seen[-1] and len(seen) == 3 and len(codes.normalize_code(code)) == 12


def test_it_gives_up_when_every_draw_is_taken():
    with pytest.raises(RuntimeError, match="no unused code"):
        codes.new_unused_code(lambda code: True)
