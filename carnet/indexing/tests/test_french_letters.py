"""How French letters write conditions, and what carnet reads in them: abbreviations, usual names, and the
cues that make a mention a hypothesis, a relative's or the patient's history."""

import pytest

from carnet.indexing import extract


def _conditions(text):
    return {item.code[:3]: item for item in extract.from_text(text) if item.kind == "condition"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Patiente DT2 sous insuline.", "E11"),
        ("DNID découvert en 2010.", "E11"),
        ("DID depuis l'adolescence.", "E10"),
        ("HTA bien contrôlée.", "I10"),
        ("BPCO post-tabagique.", "J44"),
        ("IDM inférieur thrombolysé.", "I21"),
        ("FA permanente anticoagulée.", "I48"),
        ("IRC stade 4, suivie en néphrologie.", "N18"),
        ("SEP rémittente sous interféron.", "G35"),
        ("AIT en mars, sans séquelle.", "G45"),
    ],
)
def test_the_abbreviations_of_french_letters_get_their_cim10_category(text, code):
    assert code in _conditions(text)


def test_an_abbreviation_is_read_in_capitals_only():
    assert "I48" not in _conditions("Il fa une sieste.")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hypothyroïdie substituée.", "E03"),
        ("Dyslipidémie traitée par statine.", "E78"),
        ("Lombalgie commune.", "M54"),
        ("Cancer de la prostate opéré.", "C61"),
        ("Syndrome d'apnées obstructives du sommeil appareillé.", "G47"),
    ],
)
def test_usual_names_of_conditions_get_their_category(text, code):
    assert code in _conditions(text)


def test_a_cancer_named_with_its_organ_is_filed_under_the_organ_not_as_a_tumour_of_unknown_site():
    found = _conditions("Cancer du pancréas métastatique.")
    assert "C25" in found and "C80" not in found


def test_an_age_or_a_dose_is_not_read_as_a_cim10_code_but_a_written_code_is():
    assert _conditions("Mère décédée à 50 ans, plaquettes à 85 G/l.") == {}
    assert "E11" in _conditions("Codé E11 au dossier.")


def test_a_symptom_is_not_a_condition_of_the_index():
    assert "R52" not in _conditions("Paracétamol si douleur.")


@pytest.mark.parametrize("text", ["ATCD d'infarctus du myocarde.", "ATCD d'infarctus.", "ATCDs : IDM."])
def test_atcd_makes_the_patients_history(text):
    infarct = _conditions(text)["I21"]
    assert infarct.history and infarct.affirmed


def test_each_condition_of_a_list_of_antecedents_is_history():
    found = _conditions("Antécédents : HTA, diabète de type 2 et AOMI.")
    assert found["I10"].history and found["E11"].history and found["I70"].history


@pytest.mark.parametrize("text", ["Ancien fumeur.", "Tuberculose dans l'enfance.", "Hépatite C guérie."])
def test_a_past_condition_is_history(text):
    assert all(item.history for item in _conditions(text).values())
    assert _conditions(text)


@pytest.mark.parametrize(
    "text",
    [
        "Suspicion d'embolie pulmonaire.",
        "Tableau compatible avec une embolie pulmonaire.",
        "Une embolie pulmonaire ne peut être exclue.",
        "Embolie pulmonaire à confirmer par angioscanner.",
        "La dyspnée évoque une embolie pulmonaire.",
    ],
)
def test_a_diagnosis_not_yet_made_is_hypothetical_never_negated_nor_the_patients_condition(text):
    embolism = _conditions(text)["I26"]
    assert embolism.hypothetical and not embolism.negated and not embolism.affirmed


def test_a_relatives_condition_is_family_never_the_patients_condition_nor_history():
    found = _conditions("Mère diabétique, père hypertendu.")
    assert found["E14"].family and not found["E14"].affirmed and not found["E14"].history
    assert found["I10"].family and not found["I10"].affirmed
    breast = _conditions("Antécédents familiaux : sœur traitée pour un cancer du sein.")["C50"]
    assert breast.family and not breast.history and not breast.affirmed


def test_a_tumours_type_is_not_a_negation():
    cancer = _conditions("Cancer bronchique non à petites cellules.")["C34"]
    assert cancer.affirmed and not cancer.negated
