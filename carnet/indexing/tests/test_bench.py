"""carnet bench indexing prints precision and recall per entity type and qualifier, documents/s, memory
and the start-up time (a smoke test of the command: the figures themselves are in docs/performance.md)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

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
        "quality.condition.hand-dev.recall",
        "quality.condition.hand-held-out.recall",
        "quality.qualifier.history.hand-held-out.precision",
    ):
        assert line in text
    assert "throughput.documents_per_s" in text and "start_up.warm.seconds" in text
    written = json.loads(next(tmp_path.glob("indexing-*.json")).read_text())
    assert written["results"]["indexing"]["quality"]["sentences"] >= 200


def test_the_hand_written_sentences_are_split_in_halves_of_each_style_and_the_template_ones_apart():
    rows = json.loads(bench.EVALUATION.read_text(encoding="utf-8"))
    assert {row["split"] for row in rows if row["origin"] == "template"} == {"template"}
    hand = [row for row in rows if row["origin"] == "hand"]
    for style in {row["style"] for row in hand}:
        splits = [row["split"] for row in hand if row["style"] == style]
        assert set(splits) == {"dev", "held-out"}
        assert abs(splits.count("dev") - splits.count("held-out")) <= 1


def test_errors_are_listed_for_the_development_half_and_refused_for_the_held_out_one(monkeypatch):
    monkeypatch.setattr(bench.extract, "from_text", lambda text: [])
    out = io.StringIO()
    call_command("bench", "indexing", "--errors", "dev", stdout=out)
    dev = [row for row in json.loads(bench.EVALUATION.read_text(encoding="utf-8")) if row["split"] == "dev"]
    assert dev[0]["text"] in out.getvalue() and " fn " in out.getvalue()
    with pytest.raises(CommandError):
        call_command("bench", "indexing", "--errors", "held-out", stdout=io.StringIO())
    with pytest.raises(ValueError, match="dev, template"):
        bench.errors("held-out")


def test_a_perfect_reader_scores_one_and_a_silent_one_zero(monkeypatch):
    row = {"origin": "hand", "split": "dev", "style": "lab", "text": "x"}
    rows = [{**row, "entities": [bench_entity("condition", "E11")]}]
    monkeypatch.setattr(bench.extract, "from_text", lambda text: [])
    silent = bench.quality(rows)["condition.hand-dev"]
    assert (silent["recall"], silent["fn"]) == (0.0, 1)
    perfect = [bench.extract.Found("condition", "E119", "diabète", 0, 7, 0, 7)]
    monkeypatch.setattr(bench.extract, "from_text", lambda text: perfect)
    assert bench.quality(rows)["condition.hand-dev"]["precision"] == 1.0
    assert bench.quality(rows)["condition.hand-held-out"]["tp"] == 0


def bench_entity(kind, code):
    return {
        "kind": kind,
        "code": code,
        "negated": False,
        "hypothetical": False,
        "family": False,
        "history": False,
    }
