"""The house checks itself: every public action asks the policy first, and only carnet/access says yes or no.

Read from the source (AST), so a new ``actions.py`` of any app (messaging, agenda, ...) is checked the day it
is written. A public function of an ``actions.py`` must call ``authorize(actor, Permission.X, resource)``
before anything else; only lookups (assignments) and input checks that refuse or return (``if ...: raise``)
may come first. It must be wrapped in ``@atomic_action`` unless it is listed below with the reason.
"""

import ast
from pathlib import Path

import pytest

from carnet.access.permissions import Permission

CARNET = Path(__file__).resolve().parents[2]
ACTION_MODULES = sorted(CARNET.glob("*/actions.py"))

# The journal's own writes: what authorize journals cannot itself ask authorize (carnet/journal/actions.py).
JOURNAL_OWN = {"journal/actions.py": {"make_checkpoint"}}
# Not yet moved by their owners: listed, with why, so that the lead can check they go (the lists only shrink).
NOT_YET_MOVED: dict[str, set[str]] = {}
EXEMPT = JOURNAL_OWN | NOT_YET_MOVED
# Public actions that authorize first but are not one transaction, and why.
NOT_ONE_TRANSACTION = {
    "records/actions.py": {
        "index_document_text",  # the worker's read for the search index: no row of the record changes
    },
    "access/actions.py": {"redeem_presence_code"},  # a wrong code's count must survive the refusal
    # the same: a wrong code's count survives; each invitation of a batch is an action of its own (its e-mail
    # left: a rollback of the whole batch would void links already sent)
    "identity/actions.py": {"confirm_contact_change", "invite_professionals", "clear_expired_sessions"},
    # the task it runs commits its own actions as it goes; the prune deletes in batches, one transaction each
    "schedule/actions.py": {"run_claimed", "prune_task_results"},
    "indexing/actions.py": {
        "index_document"
    },  # the NLP runs outside the rows' transaction (deposits wait not)
    "vault/actions.py": {"rotate_kek"},  # batches of re-wrapped keys, one transaction each
    # expired sessions and tokens: batches, one transaction each (django-oauth-toolkit's clean-up batches too)
    "fhir/actions.py": {"clear_expired_tokens"},
}
# Where a Decision may be built: the policy's own package. Outside it, only these, not yet moved (none left).
DECISION_OUTSIDE_ACCESS: set[str] = set()


def _public_functions(path: Path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node


def _is_authorize(statement: ast.stmt) -> bool:
    value = getattr(statement, "value", None)
    return (
        isinstance(statement, ast.Expr | ast.Assign)
        and isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "authorize"
    )


def _may_precede(statement: ast.stmt) -> bool:
    """A docstring, a lookup, or an input check that only refuses or returns."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return True
    if isinstance(statement, ast.Assign | ast.AnnAssign):
        return True
    if isinstance(statement, ast.If) and not statement.orelse:
        return all(isinstance(inner, ast.Raise | ast.Return) for inner in statement.body)
    return False


def _is_permission(node) -> bool:
    """``P.X`` or ``Permission.X``: a member named in the code, not a string or a variable."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"P", "Permission"}
    )


def _first_statements_fault(function: ast.FunctionDef) -> str:
    for statement in function.body:
        if _is_authorize(statement):
            permission = statement.value.args[1] if len(statement.value.args) > 1 else None
            choices = (
                [permission.body, permission.orelse] if isinstance(permission, ast.IfExp) else [permission]
            )
            return "" if all(map(_is_permission, choices)) else "authorize without a Permission member"
        if not _may_precede(statement):
            return f"line {statement.lineno} runs before authorize"
    return "never calls authorize"


def _decorators(function: ast.FunctionDef) -> set[str]:
    return {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in function.decorator_list}


def _relative(path: Path) -> str:
    return str(path.relative_to(CARNET))


def test_the_check_sees_the_action_modules():
    names = {_relative(path) for path in ACTION_MODULES}
    assert {"access/actions.py", "identity/actions.py", "records/actions.py", "notify/actions.py"} <= names
    assert {"vault/actions.py", "journal/actions.py"} <= names


@pytest.mark.parametrize("path", ACTION_MODULES, ids=_relative)
def test_every_public_action_authorizes_first(path):
    exempt = EXEMPT.get(_relative(path), set())
    faults = []
    for function in _public_functions(path):
        if function.name in exempt:
            continue
        fault = _first_statements_fault(function)
        if fault:
            faults.append(f"{function.name}: {fault}")
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("path", ACTION_MODULES, ids=_relative)
def test_every_public_action_is_one_transaction(path):
    allowed = EXEMPT.get(_relative(path), set()) | NOT_ONE_TRANSACTION.get(_relative(path), set())
    faults = [
        function.name
        for function in _public_functions(path)
        if function.name not in allowed and "atomic_action" not in _decorators(function)
    ]
    assert not faults, f"not wrapped in @atomic_action: {faults}"


def test_exemptions_name_functions_that_exist():
    """A moved function must leave the lists (so they only shrink)."""
    for listed in (EXEMPT, NOT_ONE_TRANSACTION):
        for relative, names in listed.items():
            defined = {function.name for function in _public_functions(CARNET / relative)}
            assert names <= defined, (
                f"{relative}: {names - defined} no longer exist: remove them from the list"
            )


def test_decisions_are_built_only_by_the_policy():
    faults = []
    for path in sorted(CARNET.rglob("*.py")):
        relative = _relative(path)
        if relative.startswith("access/") or "/tests/" in relative or relative in DECISION_OUTSIDE_ACCESS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Decision"
            ):
                faults.append(f"{relative}:{node.lineno}")
    assert not faults, f"Decision( built outside carnet/access: {faults}"


def test_journaled_events_are_permissions_not_literals():
    """record(actor, <action>, ...) outside the gate names a Permission member, never a string."""
    faults = []
    for path in sorted(CARNET.rglob("*.py")):
        relative = _relative(path)
        if "/tests/" in relative or relative in DECISION_OUTSIDE_ACCESS or relative.startswith("bench/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"record", "authorize"}:
                action = node.args[1] if len(node.args) > 1 else None
                if isinstance(action, ast.Constant | ast.JoinedStr):
                    faults.append(f"{relative}:{node.lineno}")
    assert not faults, f"journaled with a string instead of a Permission: {faults}"


def test_permissions_are_alphabetical_and_well_formed():
    names = [member.name for member in Permission]
    assert names == sorted(names)
    assert all(value.count(":") == 2 for value in Permission)
