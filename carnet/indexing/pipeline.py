"""The French clinical NLP pipeline (edsnlp, AP-HP's rule-based pipes on spaCy): built once per process.

Only rule-based pipes whose terminologies ship inside the edsnlp package: nothing is downloaded at run
time. Building the CIM-10 matcher tokenises some 250,000 terms (a minute of CPU), so the built pipeline is
kept in ``CARNET_NLP_CACHE_DIR`` (a file named after the versions and the pipe list, written by this
process only, 0600 like the key files) and loaded from there by the next worker (a few seconds).
"""

import contextlib
import hashlib
import io
import os
import pickle  # noqa: S403 - our own cache file, in the service's data directory, never user input
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from carnet.indexing import terminology

REVISION = 2  # carnet's part of the pipeline version: raise it when the pipes, their settings or data/ change
DISORDERS = (
    "aids",
    "cerebrovascular_accident",
    "ckd",
    "congestive_heart_failure",
    "copd",
    "dementia",
    "diabetes",
    "hemiplegia",
    "leukemia",
    "liver_disease",
    "lymphoma",
    "myocardial_infarction",
    "peptic_ulcer_disease",
    "peripheral_vascular_disease",
    "solid_tumor",
    "alcohol",
    "tobacco",
)
# carnet's names and abbreviations (data/synonyms.json), CIM-10's short names, then edsnlp's own pipes: where
# spans overlap, the first group in this order wins (carnet.indexing.extract)
TERMS = ("carnet", "carnet_abbreviation", "cim10_short")
GROUPS = (*TERMS, "cim10", "drug", *DISORDERS)
QUALIFIERS = ("negation", "hypothesis", "family", "history")

# Cues added to edsnlp's own (carnet/indexing/tests/test_french_letters.py shows them at work); matched on the
# normalised text (lower case, no accents), as edsnlp's are.
HYPOTHESIS_PRECEDING = (
    "compatible avec",
    "évoque",
    "évoquant",
    "évocateur de",
    "évocatrice de",
    "suspecté",
    "ne peut exclure",
    "ne peut pas exclure",
    "ne permet pas d'exclure",
    "n'exclut pas",
)
HYPOTHESIS_FOLLOWING = (
    "à confirmer",
    "à éliminer",
    "à discuter",
    "suspecté",
    "suspectée",
    "n'est pas exclu",
    "n'est pas exclue",
    "ne peut être exclu",
    "ne peut être exclue",
    "non exclu",
    "non exclue",
)
# "avec" ends edsnlp's propositions: "compatible avec une ..." would stop at its own cue
HYPOTHESIS_KEEPS = ("avec",)
# Not negations: a diagnosis that cannot be ruled out (a hypothesis), a tumour's type
NEGATION_PSEUDO = (
    "ne peut être exclu",
    "ne peut être exclue",
    "ne peut être éliminé",
    "ne peut être éliminée",
    "ne peut être écarté",
    "ne peut être écartée",
    "ne peut exclure",
    "ne peut pas exclure",
    "non à petites cellules",
)
HISTORY = (
    "ancien",
    "ancienne",
    "dans l'enfance",
    "dans son enfance",
    "antécédent personnel",
    "guéri",
    "guérie",
)
# A list of past conditions is written with commas and "et" ("ATCD : HTA, diabète et AOMI"): for history
# the proposition ends at the sentence's end or a contrast, not at each comma
HISTORY_KEEPS = (",", "et")

GATHERED = "carnet"

_lock = threading.Lock()
_loaded: dict = {}


@dataclass(frozen=True)
class StartUp:
    seconds: float
    from_cache: bool


def version() -> str:
    """What each index row names: edsnlp's version and carnet's revision of the pipe list."""
    import edsnlp  # noqa: PLC0415 - heavy: imported by the worker only

    return f"edsnlp-{edsnlp.__version__}+carnet.{REVISION}"


def _cache_file():
    import spacy  # noqa: PLC0415

    synonyms = (terminology.DATA / "synonyms.json").read_bytes()
    cues = (
        HYPOTHESIS_PRECEDING,
        HYPOTHESIS_FOLLOWING,
        HYPOTHESIS_KEEPS,
        NEGATION_PSEUDO,
        HISTORY,
        HISTORY_KEEPS,
    )
    key = f"{version()} {spacy.__version__} {GROUPS} {QUALIFIERS} {cues}".encode() + synonyms
    key = hashlib.sha256(key).hexdigest()[:16]
    return settings.CARNET_NLP_CACHE_DIR / f"pipeline-{key}.pickle"


def gather(doc):
    """One span group in document order for the qualifiers: edsnlp's qualifiers walk the spans they are
    given in order, and several groups one after the other would leave the earlier spans unqualified."""
    spans = [span for group in GROUPS for span in doc.spans.get(group, [])]
    doc.spans[GATHERED] = sorted(spans, key=lambda span: (span.start, -span.end))
    return doc


def _build():
    with contextlib.redirect_stderr(io.StringIO()):  # edsnlp's progress bars would fill the worker's log
        return _pipes()


def _pipes():
    import edsnlp  # noqa: PLC0415
    import edsnlp.pipes as eds  # noqa: PLC0415

    _pipes_registered()

    nlp = edsnlp.blank("eds")
    nlp.add_pipe(eds.sentences())
    nlp.add_pipe(eds.normalizer())
    synonyms = terminology.synonyms()
    nlp.add_pipe(_terms("carnet", synonyms["terms"], "NORM"))
    nlp.add_pipe(_terms("carnet_abbreviation", synonyms["abbreviations"], "TEXT"))
    nlp.add_pipe(_terms("cim10_short", terminology.cim10_short_terms(), "NORM"))
    nlp.add_pipe(eds.cim10(span_setter={"cim10": True}))
    nlp.add_pipe(eds.drugs(span_setter={"drug": True}))
    for name in DISORDERS:
        nlp.add_pipe(getattr(eds, name)(span_setter={name: True}))
    nlp.add_pipe("carnet_gather")
    gathered = {GATHERED: True}
    nlp.add_pipe(eds.negation(span_getter=gathered, **_negation_cues()))
    nlp.add_pipe(eds.hypothesis(span_getter=gathered, **_hypothesis_cues()))
    nlp.add_pipe(eds.family(span_getter=gathered, use_sections=False))
    nlp.add_pipe(eds.history(span_getter=gathered, use_sections=False, **_history_cues()))
    return nlp


def _terms(name: str, terms: dict[str, list[str]], attr: str):
    """edsnlp's terminology matcher over ``terms`` (CIM-10 category: names): the span's kb_id_ is the code."""
    import edsnlp.pipes as eds  # noqa: PLC0415

    return eds.terminology(name=name, label=name, terms=terms, attr=attr, span_setter={name: True})


def _negation_cues() -> dict:
    from edsnlp.pipes.qualifiers.negation import patterns  # noqa: PLC0415

    return {"pseudo": [*patterns.pseudo, *NEGATION_PSEUDO]}


def _hypothesis_cues() -> dict:
    from edsnlp.pipes.qualifiers.hypothesis import patterns  # noqa: PLC0415

    return {
        "preceding": [*patterns.preceding, *HYPOTHESIS_PRECEDING],
        "following": [*patterns.following, *HYPOTHESIS_FOLLOWING],
        "termination": _terminations(but=HYPOTHESIS_KEEPS),
    }


def _history_cues() -> dict:
    from edsnlp.pipes.qualifiers.history import patterns  # noqa: PLC0415

    return {"history": [*patterns.history, *HISTORY], "termination": _terminations(but=HISTORY_KEEPS)}


def _terminations(but: tuple[str, ...]) -> list[str]:
    """edsnlp's words that end a proposition, but ``but``."""
    from edsnlp.pipes.terminations import termination  # noqa: PLC0415

    return [term for term in termination if term not in but]


def _load():
    path = _cache_file()
    if path.exists() and _ours(path):
        _pipes_registered()
        with path.open("rb") as cached:
            return pickle.load(cached), True  # noqa: S301 - written by _store below, in our data directory
    nlp = _build()
    _store(nlp, path)
    return nlp, False


def _ours(path) -> bool:
    """A pickle runs code when loaded: only a cache file (and folder) of this account that nobody else may
    write is read; anything else is rebuilt over."""
    for item in (path, path.parent):
        mode = item.stat()
        if mode.st_uid != os.getuid() or mode.st_mode & 0o022:
            return False
    return True


def _pipes_registered() -> None:
    from spacy.language import Language  # noqa: PLC0415

    if "carnet_gather" not in Language.factories:
        Language.component("carnet_gather", func=gather)


def _store(nlp, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(partial, "wb", opener=lambda p, flags: os.open(p, flags, 0o600)) as out:
        pickle.dump(nlp, out, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # atomic: a worker starting meanwhile reads the whole file or none


def nlp():
    """The pipeline of this process (loaded on first use, then shared)."""
    with _lock:
        if "nlp" not in _loaded:
            started = time.perf_counter()
            _loaded["nlp"], cached = _load()
            _loaded["start_up"] = StartUp(time.perf_counter() - started, cached)
        return _loaded["nlp"]


def start_up() -> StartUp | None:
    return _loaded.get("start_up")
