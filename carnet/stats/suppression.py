"""Statistical secrecy for published tables (the French practice: no cell under 11 may be published, nor
recovered from what is published).

A table has cells and, where they make sense, row totals, column totals and a grand total. Every cell or
total under ``THRESHOLD`` is suppressed ("primary" suppression, shown as "< 11"). Totals then give
equations on the suppressed values; a reader also knows that a primary cell lies in 0..10 and that a
complementary one is at least 11. A suppressed value is *recoverable* when those equations and bounds leave
it a single possible value (for example the only hidden cell of a row, or two hidden cells of a row whose
sum is 20). While any is, the smallest published cell that shares an equation with it is suppressed too
("complementary" suppression, shown as "secret"). The bounds are computed exactly by linear programming
(scipy's HiGHS); the margins of a two-way table make the bounds integers.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

THRESHOLD = 11
PRIMARY = "primary"
COMPLEMENTARY = "complementary"


@dataclass
class Table:
    """A two-way table: ``cells[r][c]``; totals as published by default (None: not published)."""

    rows: list[str]
    columns: list[str]
    cells: list[list[int]]
    row_totals: bool = True
    column_totals: bool = True
    status: dict = field(default_factory=dict)  # key -> PRIMARY | COMPLEMENTARY

    def values(self) -> dict:
        """Every published quantity by key: ("cell", r, c), ("row", r), ("column", c), ("grand",)."""
        out = {("cell", r, c): v for r, line in enumerate(self.cells) for c, v in enumerate(line)}
        if self.row_totals:
            out |= {("row", r): sum(line) for r, line in enumerate(self.cells)}
        if self.column_totals:
            out |= {("column", c): sum(line[c] for line in self.cells) for c in range(len(self.columns))}
        if self.row_totals or self.column_totals:
            out[("grand",)] = sum(map(sum, self.cells))
        return out

    def equations(self) -> list[list[tuple[tuple, int]]]:
        """Each published total as ``sum(terms) == 0`` with coefficients on keys."""
        equations = []
        if self.row_totals:
            for r in range(len(self.rows)):
                terms = [(("cell", r, c), 1) for c in range(len(self.columns))]
                equations.append([*terms, (("row", r), -1)])
        if self.column_totals:
            for c in range(len(self.columns)):
                terms = [(("cell", r, c), 1) for r in range(len(self.rows))]
                equations.append([*terms, (("column", c), -1)])
        if self.row_totals:
            equations.append([*((("row", r), 1) for r in range(len(self.rows))), (("grand",), -1)])
        elif self.column_totals:
            equations.append([*((("column", c), 1) for c in range(len(self.columns))), (("grand",), -1)])
        return equations


def protect(table: Table) -> Table:
    """Apply primary then complementary suppression; ``table.status`` says which keys are hidden.

    Hiding more only ever widens what a reader can deduce, so a cell found protected stays protected:
    after the first full check only the exposed cells are checked again."""
    values = table.values()
    if not table.rows or not table.columns:
        table.status = {}  # an empty table's totals are zero by definition: nothing to hide
        return table
    table.status = {key: PRIMARY for key, value in values.items() if value < THRESHOLD}
    equations = table.equations()
    while (lone := _alone_in_an_equation(equations, table.status)) is not None:
        table.status[_complement(lone, values, equations, table.status)] = COMPLEMENTARY
    exposed = recoverable(values, equations, table.status)
    while exposed:
        table.status[_complement(exposed[0], values, equations, table.status)] = COMPLEMENTARY
        exposed = recoverable(values, equations, table.status, among=exposed)
    return table


def _alone_in_an_equation(equations: list, status: dict):
    """A cell under the threshold that is the only hidden term of a total: the cheap case, no solving."""
    for equation in equations:
        hidden = [key for key, _c in equation if key in status]
        if len(hidden) == 1 and status[hidden[0]] == PRIMARY:
            return hidden[0]
    return None


def _system(values: dict, equations: list, status: dict):
    """The published totals as equations over the hidden values, with what a reader knows of each."""
    hidden = sorted(status)
    index = {key: i for i, key in enumerate(hidden)}
    rows, rhs = [], []
    for equation in equations:
        coefficients = np.zeros(len(hidden))
        constant = 0
        for key, coefficient in equation:
            if key in index:
                coefficients[index[key]] += coefficient
            else:
                constant -= coefficient * values[key]
        if coefficients.any():
            rows.append(coefficients)
            rhs.append(constant)
    bounds = [(0, THRESHOLD - 1) if status[key] == PRIMARY else (THRESHOLD, None) for key in hidden]
    return index, (np.array(rows) if rows else None), np.array(rhs), bounds


def _extreme(index, a_eq, b_eq, bounds, key, sign: int):
    """The highest (sign -1) or lowest (sign 1) value ``key`` can take given what is published."""
    if a_eq is None:
        return bounds[index[key]][0 if sign > 0 else 1]
    objective = np.zeros(len(index))
    objective[index[key]] = sign
    result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status != 0:
        return bounds[index[key]][0 if sign > 0 else 1]
    return sign * result.fun


def intervals(values: dict, equations: list, status: dict) -> dict:
    """What a reader can deduce of each hidden value: (lowest, highest) possible (None: no upper bound)."""
    index, a_eq, b_eq, bounds = _system(values, equations, status)
    return {
        key: (_extreme(index, a_eq, b_eq, bounds, key, 1), _extreme(index, a_eq, b_eq, bounds, key, -1))
        for key in index
    }


def recoverable(values: dict, equations: list, status: dict, among=None) -> list:
    """Cells under the threshold whose value a reader can pin down exactly, smallest values first (a
    complementary cell may be deduced: it is at least 11 and publishable; only what it protects counts).
    The true value is always possible, so any possible value 1 or more away from it proves a cell protected:
    a few solves that push every open cell up, down, then in random directions prove most cells at once;
    the rest are solved one by one."""
    index, a_eq, b_eq, bounds = _system(values, equations, status)
    open_cells = set(among if among is not None else [k for k, kind in status.items() if kind == PRIMARY])
    signs = np.random.default_rng(len(index))  # fixed seed: the same table is always protected alike
    for push in range(8):
        if not open_cells or a_eq is None:
            break
        if push < 2:
            weights = [1 - 2 * push] * len(open_cells)
        else:
            weights = list(signs.choice([-1, 1], size=len(open_cells)))
        open_cells -= _pushed(index, a_eq, b_eq, bounds, values, open_cells, weights)
    found = []
    for key in open_cells:
        if _extreme(index, a_eq, b_eq, bounds, key, -1) - values[key] >= 1 - 1e-9:
            continue
        if values[key] - _extreme(index, a_eq, b_eq, bounds, key, 1) >= 1 - 1e-9:
            continue
        found.append(key)
    return sorted(found, key=lambda key: (values[key], key))


def _pushed(index, a_eq, b_eq, bounds, values, cells, weights) -> set:
    """Cells that one solution moves 1 or more away from their true value, when each cell is pushed up
    (weight 1) or down (weight -1) at once."""
    objective = np.zeros(len(index))
    for key, weight in zip(sorted(cells), weights, strict=True):
        objective[index[key]] = -weight
    result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status != 0:
        return set()
    return {key for key in cells if abs(result.x[index[key]] - values[key]) >= 1 - 1e-9}


def _complement(exposed: tuple, values: dict, equations: list, status: dict) -> tuple:
    """What to hide next to protect ``exposed``: the smallest published cell of a total that holds it, or
    if every such cell is hidden already, of a total that holds one of those (and so on outwards); a
    total is hidden only when no cell is left to hide."""
    frontier, seen, totals = {exposed}, {exposed}, set()
    while frontier:
        linked = [equation for equation in equations if any(key in frontier for key, _c in equation)]
        published = {key for equation in linked for key, _c in equation if key not in status}
        cells = {key for key in published if key[0] == "cell"}
        if cells:
            return min(cells, key=lambda key: (values[key], key))
        totals |= published
        frontier = {key for equation in linked for key, _c in equation if key in status} - seen
        seen |= frontier
    if not totals:
        raise ValueError(f"nothing left to protect {exposed}")
    return min(totals, key=lambda key: (values[key], key))
