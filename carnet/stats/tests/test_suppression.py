"""Statistical secrecy: no cell under 11 is published, nor recoverable from what is published. Checked
against an attacker who enumerates every integer completion of the hidden cells (independent of the
linear programs the protection uses), on adversarial tables and on tables hypothesis generates."""

from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.stats.suppression import COMPLEMENTARY, PRIMARY, THRESHOLD, Table, protect


def possible_values(table: Table) -> dict:
    """For each hidden quantity, every value consistent with what is published: an exhaustive search over
    integer completions (a small constraint solver: a total with one unknown term left forces it)."""
    values = table.values()
    hidden = sorted(table.status)
    # An alternative completion moves each small value by at most 10: totals move by at most that much.
    ceiling = max(values.values()) + (THRESHOLD - 1) * len(hidden)
    domains = {
        key: range(0, THRESHOLD) if table.status[key] == PRIMARY else range(THRESHOLD, ceiling + 1)
        for key in hidden
    }
    equations = table.equations()
    seen = {key: set() for key in hidden}

    def consistent(trial: dict) -> bool:
        for equation in equations:
            unknown = [(k, c) for k, c in equation if k not in trial]
            rest = sum(c * trial[k] for k, c in equation if k in trial)
            if not unknown and rest != 0:
                return False
            if len(unknown) == 1:
                key, coefficient = unknown[0]
                if (-rest) % coefficient or -rest // coefficient not in domains[key]:
                    return False
        return True

    def search(trial: dict, left: list) -> None:
        if not left:
            for key in hidden:
                seen[key].add(trial[key])
            return
        key, *rest = left
        for value in domains[key]:
            trial[key] = value
            if consistent(trial):
                search(trial, rest)
            del trial[key]

    search({key: v for key, v in values.items() if key not in table.status}, hidden)
    return seen


def assert_protected(table: Table) -> None:
    values = table.values()
    small = {key for key, value in values.items() if value < THRESHOLD}
    assert small <= set(table.status), "every quantity under 11 is hidden"
    for key, possible in possible_values(table).items():
        if table.status[key] == PRIMARY:
            assert len(possible) >= 2, f"{key} (true value {values[key]}) is recoverable: {possible}"


def test_a_lone_small_cell_in_a_row_gets_a_companion():
    table = protect(Table(["a", "b"], ["x", "y"], [[3, 40], [25, 30]]))
    assert table.status[("cell", 0, 0)] == PRIMARY
    assert sum(1 for key in table.status if key[0] == "cell" and key[1] == 0) >= 2
    assert_protected(table)


def test_two_small_cells_whose_sum_gives_them_away_are_protected():
    """10 + 10 with a published row total: both must be 10 since neither can exceed 10."""
    table = protect(Table(["a"], ["x", "y", "z"], [[10, 10, 30]], column_totals=False))
    assert table.status[("cell", 0, 2)] == COMPLEMENTARY
    assert_protected(table)


def test_two_zeroes_are_not_given_away_by_a_total_of_zero_elsewhere():
    table = protect(Table(["a", "b"], ["x", "y"], [[0, 0], [12, 30]]))
    assert_protected(table)


def test_a_two_by_two_block_of_small_cells_is_enough_on_its_own():
    table = protect(Table(["a", "b", "c"], ["x", "y", "z"], [[4, 6, 50], [7, 2, 60], [40, 30, 20]]))
    assert {key for key, kind in table.status.items() if kind == PRIMARY} == {
        ("cell", 0, 0),
        ("cell", 0, 1),
        ("cell", 1, 0),
        ("cell", 1, 1),
    }
    assert_protected(table)


def test_large_counts_are_published_as_they_are():
    table = protect(Table(["a", "b"], ["x", "y"], [[120, 40], [25, 3000]]))
    assert table.status == {}


def test_a_table_without_rows_hides_nothing():
    assert protect(Table([], ["x"], [], row_totals=False)).status == {}


small_or_large = st.sampled_from([0, 1, 3, 7, 10, 11, 12, 14])


def _affordable(table: Table) -> bool:
    """The brute force is exponential: attack exhaustively the tables where it ends in a second or so."""
    kinds = list(table.status.values())
    return kinds.count(PRIMARY) <= 4 and kinds.count(COMPLEMENTARY) <= 2 and len(kinds) <= 5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(small_or_large, min_size=2, max_size=2), min_size=2, max_size=2))
def test_any_two_by_two_table_with_margins(cells):
    table = protect(Table(["a", "b"], ["x", "y"], cells))
    if _affordable(table):
        assert_protected(table)


@settings(max_examples=40, deadline=None)
@given(st.lists(small_or_large, min_size=1, max_size=4))
def test_any_single_row_with_its_total(line):
    table = protect(Table(["a"], [str(i) for i in range(len(line))], [line], column_totals=False))
    if _affordable(table):
        assert_protected(table)
