#!/usr/bin/env python3
"""Writes carnet/indexing/data/evaluation.json: the French evaluation set of carnet's indexing.

How it was made (docs/performance.md says it too): written for carnet, not taken from any corpus. Two
parts. (1) Sentences written by hand in the styles of consultation letters, discharge summaries,
prescriptions and lab reports (HAND below, then scripts/indexing-evaluation-hand.txt), each annotated by
hand with what a clinician would code: the conditions (CIM-10 category, 3 characters), the drugs (ATC,
7 characters), and for each whether it is negated, hypothetical, about a relative, or history. (2)
Sentences built from templates of the same styles (TEMPLATES) over a list of common conditions and drugs
with their codes, annotated by construction (the template says which qualifier applies). Template
sentences are more regular than real letters: the figures measured on them are an upper bound for real
documents, and the hand-written part is reported apart.
Each sentence says its ``split``: the hand-written ones are split in two halves, stratified by style (within
each style, in the order written, the first goes to ``dev``, the second to ``held-out``, and so on), the
template ones are ``template``. The pipeline is tuned on the errors of ``dev`` only; ``held-out`` is looked
at for its figures, never for its errors.
Run it again only to change the set; the committed file is what the benchmark reads.
"""

import itertools
import json
from pathlib import Path

C = "condition"
D = "drug"
CONDITIONS = [
    ("diabète de type 2", "E11"),
    ("hypertension artérielle", "I10"),
    ("insuffisance cardiaque", "I50"),
    ("BPCO", "J44"),
    ("infarctus du myocarde", "I21"),
    ("fibrillation auriculaire", "I48"),
    ("embolie pulmonaire", "I26"),
    ("asthme", "J45"),
    ("insuffisance rénale chronique", "N18"),
    ("accident vasculaire cérébral", "I64"),
    ("pneumopathie", "J18"),
    ("cancer du sein", "C50"),
    ("maladie de Parkinson", "G20"),
    ("épilepsie", "G40"),
    ("hypothyroïdie", "E03"),
]
DRUGS = [
    ("metformine", "A10BA02"),
    ("Kardégic", "B01AC06"),
    ("ramipril", "C09AA05"),
    ("amlodipine", "C08CA01"),
    ("atorvastatine", "C10AA05"),
    ("apixaban", "B01AF02"),
    ("furosémide", "C03CA01"),
    ("lévothyroxine", "H03AA01"),
    ("paracétamol", "N02BE01"),
    ("amoxicilline", "J01CA04"),
    ("bisoprolol", "C07AB07"),
    ("oméprazole", "A02BC01"),
    ("sertraline", "N06AB06"),
    ("salbutamol", "R03AC02"),
    ("lévétiracétam", "N03AX14"),
]


def de(term: str) -> str:
    return f"d'{term}" if term[0].lower() in "aeéèêiîoôuyh" else f"de {term}"


# (style, template, qualifier of the condition): {c} a condition, {de_c} with its article, {d} a drug
TEMPLATES = [
    ("consultation", "Patient suivi pour {c}.", {}),
    ("consultation", "Pas {de_c}.", {"negated": True}),
    ("consultation", "Absence {de_c} à l'examen.", {"negated": True}),
    ("consultation", "Suspicion {de_c}.", {"hypothetical": True}),
    ("consultation", "Sa mère est suivie pour {c}.", {"family": True}),
    ("discharge", "Antécédents : {c}.", {"history": True}),
    ("discharge", "Hospitalisé pour {c}, sortie sous {d}.", {}),
    ("discharge", "Le bilan ne retrouve pas {de_c}.", {"negated": True}),
    ("discharge", "Diagnostic à confirmer : possible {c}.", {"hypothetical": True}),
    ("discharge", "Antécédents familiaux : père atteint {de_c}.", {"family": True}),
    ("prescription", "{d} : un comprimé matin et soir pendant trois mois.", None),
    ("lab", "Bilan en faveur {de_c}.", {}),
    ("lab", "Résultats compatibles avec une {c} à confirmer.", {"hypothetical": True}),
    ("consultation", "Traitement habituel : {d}.", None),
]

HAND = [
    (
        "consultation",
        "Je revois ce jour Mme D. pour son diabète de type 2 bien équilibré sous metformine.",
        [(C, "E11", {}), (D, "A10BA02", {})],
    ),
    (
        "consultation",
        "Pas de douleur thoracique, pas d'insuffisance cardiaque clinique.",
        [(C, "I50", {"negated": True})],
    ),
    (
        "consultation",
        "Mère diabétique, père décédé d'un infarctus du myocarde.",
        [(C, "E14", {"family": True}), (C, "I21", {"family": True})],
    ),
    (
        "consultation",
        "On ne peut exclure une embolie pulmonaire : angioscanner demandé.",
        [(C, "I26", {"hypothetical": True})],
    ),
    (
        "consultation",
        "Hypertension artérielle connue depuis 2015, traitée par amlodipine 5 mg.",
        [(C, "I10", {}), (D, "C08CA01", {})],
    ),
    (
        "discharge",
        "Patient de 78 ans aux antécédents d'AVC ischémique et de fibrillation auriculaire sous apixaban.",
        [(C, "I64", {"history": True}), (C, "I48", {"history": True}), (D, "B01AF02", {})],
    ),
    (
        "discharge",
        "Sortie sous Kardégic 75 mg, atorvastatine 40 mg et bisoprolol 2,5 mg.",
        [(D, "B01AC06", {}), (D, "C10AA05", {}), (D, "C07AB07", {})],
    ),
    ("discharge", "Pas d'argument pour une pneumopathie à la radiographie.", [(C, "J18", {"negated": True})]),
    ("discharge", "Insuffisance rénale chronique stade 3, créatinine stable.", [(C, "N18", {})]),
    (
        "discharge",
        "Tabagisme sevré depuis dix ans, BPCO stade 2.",
        [(C, "F17", {"history": True}), (C, "J44", {})],
    ),
    ("prescription", "Paracétamol 1 g, trois fois par jour si douleur.", [(D, "N02BE01", {})]),
    ("prescription", "Amoxicilline 1 g matin et soir pendant 7 jours.", [(D, "J01CA04", {})]),
    ("prescription", "Lévothyroxine 75 µg le matin à jeun.", [(D, "H03AA01", {})]),
    ("prescription", "Oméprazole 20 mg le soir pendant un mois.", [(D, "A02BC01", {})]),
    (
        "prescription",
        "Ventoline (salbutamol) deux bouffées en cas de crise d'asthme.",
        [(D, "R03AC02", {}), (C, "J45", {})],
    ),
    ("lab", "HbA1c à 8,2 % chez ce patient diabétique de type 2.", [(C, "E11", {})]),
    ("lab", "TSH élevée, en faveur d'une hypothyroïdie.", [(C, "E03", {})]),
    ("lab", "D-dimères négatifs, pas d'embolie pulmonaire.", [(C, "I26", {"negated": True})]),
    ("lab", "Aucun argument biologique pour un diabète.", [(C, "E14", {"negated": True})]),
    ("consultation", "Sa sœur a eu un cancer du sein à 45 ans.", [(C, "C50", {"family": True})]),
    (
        "consultation",
        "Épilepsie équilibrée sous lévétiracétam, pas de crise depuis un an.",
        [(C, "G40", {}), (D, "N03AX14", {})],
    ),
    ("consultation", "Maladie de Parkinson évoluant depuis cinq ans.", [(C, "G20", {})]),
    ("consultation", "Probable BPCO à confirmer par des EFR.", [(C, "J44", {"hypothetical": True})]),
    ("discharge", "Il n'y a pas de fibrillation auriculaire sur le Holter.", [(C, "I48", {"negated": True})]),
    (
        "discharge",
        "Introduction de furosémide 40 mg pour insuffisance cardiaque décompensée.",
        [(D, "C03CA01", {}), (C, "I50", {})],
    ),
    (
        "consultation",
        "Pas de traitement par metformine en raison de l'insuffisance rénale chronique.",
        [(D, "A10BA02", {"negated": True}), (C, "N18", {})],
    ),
    ("consultation", "Syndrome dépressif traité par sertraline 50 mg.", [(C, "F32", {}), (D, "N06AB06", {})]),
    (
        "consultation",
        "Le patient ne fume pas et ne boit pas d'alcool.",
        [(C, "F17", {"negated": True}), (C, "F10", {"negated": True})],
    ),
    ("discharge", "Antécédent d'infarctus du myocarde en 2019, stenté.", [(C, "I21", {"history": True})]),
    ("lab", "Glycémie normale, pas de diabète.", [(C, "E14", {"negated": True})]),
]


HAND_FILE = Path(__file__).resolve().parent / "indexing-evaluation-hand.txt"
FLAGS = {"n": "negated", "h": "hypothetical", "f": "family", "a": "history"}


def hand_file() -> list[tuple[str, str, list]]:
    """``style | sentence | C:E11 D:A10BA02,n ...`` lines (see the file's head for the notation)."""
    rows = []
    for line in HAND_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        style, text, entities = (part.strip() for part in line.split("|"))
        found = []
        for item in entities.split():
            name, _comma, flags = item.partition(",")
            kind, code = name.split(":")
            found.append(({"C": C, "D": D}[kind], code, {FLAGS[f]: True for f in flags}))
        rows.append((style, text, found))
    return rows


def entity(kind, code, qualifiers) -> dict:
    flags = {"negated": False, "hypothetical": False, "family": False, "history": False}
    return {"kind": kind, "code": code, **flags, **(qualifiers or {})}


def split(style: str, seen: dict) -> str:
    """Alternate lines within each style: dev, held-out, dev, ... (deterministic, stratified by style)."""
    seen[style] = seen.get(style, 0) + 1
    return "dev" if seen[style] % 2 else "held-out"


def build() -> list[dict]:
    seen: dict = {}
    rows = [
        {
            "origin": "hand",
            "split": split(s, seen),
            "style": s,
            "text": t,
            "entities": [entity(*e) for e in es],
        }
        for s, t, es in HAND + hand_file()
    ]
    drugs = itertools.cycle(DRUGS)
    for condition, template in itertools.product(CONDITIONS, TEMPLATES):
        style, text, qualifiers = template
        drug, atc = next(drugs)
        sentence = text.format(c=condition[0], de_c=de(condition[0]), d=drug)
        sentence = sentence[0].upper() + sentence[1:]
        entities = []
        if "{c}" in text or "{de_c}" in text:
            entities.append(entity(C, condition[1], qualifiers))
        if "{d}" in text:
            entities.append(entity(D, atc, {}))
        rows.append(
            {
                "origin": "template",
                "split": "template",
                "style": style,
                "text": sentence,
                "entities": entities,
            }
        )
    return rows


if __name__ == "__main__":
    rows = build()
    out = Path(__file__).resolve().parents[1] / "carnet" / "indexing" / "data" / "evaluation.json"
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(rows)} sentences written to {out}")
