"""carnet bench indexing prints precision and recall per entity type and qualifier, documents/s, memory
and the start-up time (a smoke test of the command: the figures themselves are in docs/performance.md)."""

import io
import json

import pytest
from django.core.management import call_command

from carnet.indexing import bench

pytestmark = pytest.mark.django_db


def test_the_evaluation_set_has_at_least_200_annotated_sentences_of_each_style():
    rows = json.loads(bench.EVALUATION.read_text(encoding="utf-8"))
    assert len(rows) >= 200
    assert {row["style"] for row in rows} == {"consultation", "discharge", "prescription", "lab"}
    qualified = {name for row in rows for e in row["entities"] for name in bench.QUALIFIERS if e[name]}
    assert qualified == set(bench.QUALIFIERS)


def test_bench_indexing_prints_quality_throughput_and_start_up(tmp_path):
    out = io.StringIO()
    call_command("bench", "indexing", "--duration", "0.5", "--output", str(tmp_path), stdout=out)
    text = out.getvalue()
    for line in (
        "quality.condition.all.precision",
        "quality.drug.all.recall",
        "quality.qualifier.negated.all.recall",
        "quality.qualifier.hypothetical.hand.recall",
        "quality.drug.template.precision",
    ):
        assert line in text
    assert "throughput.documents_per_s" in text and "start_up.warm.seconds" in text
    written = json.loads(next(tmp_path.glob("indexing-*.json")).read_text())
    assert written["results"]["indexing"]["quality"]["sentences"] >= 200


def test_a_perfect_reader_scores_one_and_a_silent_one_zero(monkeypatch):
    rows = [{"origin": "hand", "style": "lab", "text": "x", "entities": [bench_entity("condition", "E11")]}]
    monkeypatch.setattr(bench.extract, "from_text", lambda text: [])
    silent = bench.quality(rows)["condition.hand"]
    assert (silent["recall"], silent["fn"]) == (0.0, 1)


def bench_entity(kind, code):
    return {
        "kind": kind,
        "code": code,
        "negated": False,
        "hypothetical": False,
        "family": False,
        "history": False,
    }
