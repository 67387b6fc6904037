"""carnet bench indexing: precision and recall on carnet's French evaluation set (per entity type and per
qualifier), documents/s of one worker, its memory and start-up time, and deposits measured side by side
with the indexing worker off and on (PostgreSQL and the production server only)."""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.conf import settings

from carnet.indexing import extract, terminology

EVALUATION = Path(__file__).resolve().parent / "data" / "evaluation.json"
QUALIFIERS = ("negated", "hypothetical", "family", "history")
# Each sentence's split (data: "split"): the hand-written ones in a development half (the pipeline is tuned
# on its errors) and a held-out half (its figures only), and the template ones; always reported apart.
PARTS = {"hand-dev": ("dev",), "hand-held-out": ("held-out",), "template": ("template",)}
TOTALS = {"hand": ("dev", "held-out"), "all": ("dev", "held-out", "template")}
ERRORS_OF = ("dev", "template")  # the held-out half's errors are not listed: it would stop being held out


def _key(kind: str, code: str) -> tuple[str, str]:
    """Conditions compared at the CIM-10 category (3 characters), drugs at the full ATC code."""
    code = terminology.plain(code)
    return kind, code[:3] if kind == terminology.CONDITION else code


def _ratios(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "tp": tp, "fp": fp, "fn": fn}


def _rows() -> list[dict]:
    return json.loads(EVALUATION.read_text(encoding="utf-8"))


def compare(row: dict) -> list[tuple[str, str, str, str]]:
    """(what, outcome, code, text) for one sentence: what is an entity kind or a qualifier, outcome tp, fp
    or fn (a qualifier's tn is not listed); a qualifier is scored on the entities found and matched."""
    gold = list(row["entities"])
    outcomes = []
    for found in extract.from_text(row["text"]):
        key = _key(found.kind, found.code)
        match = next((g for g in gold if _key(g["kind"], g["code"]) == key), None)
        if match is None:
            outcomes.append((found.kind, "fp", found.code, found.text))
            continue
        gold.remove(match)
        outcomes.append((found.kind, "tp", found.code, found.text))
        for name in QUALIFIERS:
            said, true = getattr(found, name), match[name]
            if said or true:
                outcome = "tp" if said and true else "fp" if said else "fn"
                outcomes.append((name, outcome, found.code, found.text))
    outcomes.extend((missed["kind"], "fn", missed["code"], "") for missed in gold)
    return outcomes


def quality(rows: list[dict] | None = None) -> dict:
    rows = rows if rows is not None else _rows()
    counts: Counter = Counter()
    for row in rows:
        for what, outcome, _code, _text in compare(row):
            counts[(what, row["split"], outcome)] += 1
    result: dict = {"sentences": len(rows), "entities": sum(len(r["entities"]) for r in rows)}
    groups = {**PARTS, **TOTALS}
    for part, splits in groups.items():
        chosen = [r for r in rows if r["split"] in splits]
        result[f"sentences.{part}"] = len(chosen)
        result[f"entities.{part}"] = sum(len(r["entities"]) for r in chosen)
    for name in (terminology.CONDITION, terminology.DRUG, *QUALIFIERS):
        prefix = name if name in (terminology.CONDITION, terminology.DRUG) else f"qualifier.{name}"
        for part, splits in groups.items():
            tp, fp, fn = (sum(counts[(name, s, x)] for s in splits) for x in ("tp", "fp", "fn"))
            result[f"{prefix}.{part}"] = _ratios(tp, fp, fn)
    return result


def errors(split: str) -> list[dict]:
    """The sentences of ``split`` (dev or template) where the pipeline misses, adds or mis-qualifies."""
    if split not in ERRORS_OF:
        raise ValueError(f"errors are listed for {', '.join(ERRORS_OF)} only")
    listed = []
    for row in (r for r in _rows() if r["split"] == split):
        outcomes = compare(row)
        wrong = [
            f"{what} {outcome} {code} {text!r}" for what, outcome, code, text in outcomes if outcome != "tp"
        ]
        if wrong:
            listed.append({"text": row["text"], "errors": wrong})
    return listed


def throughput(seconds: float = 10.0, sentences_per_document: int = 12) -> dict:
    """Documents/s of one worker process on letters made of the evaluation sentences (NLP only)."""
    rows = _rows()
    texts = [
        " ".join(r["text"] for r in rows[i : i + sentences_per_document]) for i in range(0, len(rows), 12)
    ]
    extract.from_text(texts[0])  # loaded before the clock starts
    done, chars, began = 0, 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        text = texts[done % len(texts)]
        extract.from_text(text)
        done, chars = done + 1, chars + len(text)
    elapsed = time.perf_counter() - began
    return {
        "documents_per_s": round(done / elapsed, 1),
        "chars_per_document": chars // max(done, 1),
        "ms_per_document": round(1000 * elapsed / max(done, 1), 1),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


START_UP = """
import json, os, resource, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnet.settings")
import django
django.setup()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from carnet.indexing import pipeline
pipeline.nlp()
started = pipeline.start_up()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": round(started.seconds, 1), "from_cache": started.from_cache,
                  "rss_mb_before": before // 1024, "rss_mb_after": rss // 1024}))
"""


def start_up(cold: bool = False) -> dict:
    """A new worker process's pipeline load (from the cache; ``cold`` also builds it in an empty cache)."""
    runs = {}
    modes = [("warm", {"CARNET_NLP_CACHE_DIR": str(settings.CARNET_NLP_CACHE_DIR)})]
    if cold:
        modes.insert(0, ("cold", {"CARNET_NLP_CACHE_DIR": tempfile.mkdtemp(prefix="carnet-nlp-bench-")}))
    for name, extra in modes:
        began = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", START_UP], env=dict(os.environ, **extra), capture_output=True, check=True
        )
        runs[name] = json.loads(done.stdout.decode().strip().splitlines()[-1])
        runs[name]["process_s"] = round(time.perf_counter() - began, 1)
    return runs


def deposits_side_by_side(duration: float = 10.0, connections: int = 4, rounds: int = 2) -> dict:
    """Deposits/s through the production server with the indexing off and on, alternated (off, on, off,
    on, ...) so that the machine's noise falls on both; each phase starts a server and its workers."""
    from carnet.bench import fixtures, load, runs  # noqa: PLC0415 - the server benchmark's own helpers
    from carnet.bench.server import production_server  # noqa: PLC0415
    from carnet.records.samples import sample_pdf  # noqa: PLC0415

    rows = _rows()
    content = sample_pdf("Courrier", [r["text"] for r in rows[:40]])
    template = fixtures.bundle_template(content)
    gp, patients, token = runs._setup()  # noqa: SLF001 - the deposit benchmark's patients and token
    result: dict = {"pdf_bytes": len(content), "duration_s": duration, "connections": connections}
    saved = os.environ.get("CARNET_INDEXING")
    try:
        for n in range(rounds):
            for mode in ("off", "on"):
                os.environ["CARNET_INDEXING"] = "true" if mode == "on" else "false"
                with production_server() as port:
                    target = runs.Target(False)
                    factory = runs._deposit_factory(target, port, template, patients, token)  # noqa: SLF001
                    load.run_saturation(factory, 2.0, connections)
                    phase = load.run_saturation(factory, duration, connections)
                    phase["worker_backlog"] = runs._drain_tasks(120.0)  # noqa: SLF001
                result[f"{mode}[{n}]"] = phase
    finally:
        if saved is None:
            os.environ.pop("CARNET_INDEXING", None)
        else:
            os.environ["CARNET_INDEXING"] = saved
    off = [result[f"off[{n}]"]["per_s"] for n in range(rounds)]
    on = [result[f"on[{n}]"]["per_s"] for n in range(rounds)]
    result["on_vs_off"] = round(sum(on) / sum(off), 3) if sum(off) else 0.0
    return result


def run(seconds: float = 10.0, cold: bool = False, deposits: bool = False, duration: float = 10.0) -> dict:
    result = {"quality": quality(), "throughput": throughput(seconds), "start_up": start_up(cold)}
    if deposits:
        result["deposits"] = deposits_side_by_side(duration)
    return result
