"""What edsnlp finds in French clinical text, and what carnet keeps of it: codes, qualifiers, offsets."""

from carnet.indexing import extract, pipeline

LETTER = (
    "Patient sans diabète. Suspicion d'embolie pulmonaire. Mère diabétique. "
    "Traitement par metformine 500 mg et Kardégic 75 mg. Antécédent d'infarctus du myocarde. "
    "Diabète de type 2 déséquilibré."
)


def _by_text(found):
    return {item.text: item for item in found}


def test_a_negated_mention_is_kept_as_negated():
    found = _by_text(extract.from_text(LETTER))
    assert found["diabète"].negated and not found["diabète"].affirmed


def test_a_hypothesis_is_kept_as_hypothetical():
    found = _by_text(extract.from_text(LETTER))
    embolism = found["embolie pulmonaire"]
    assert embolism.code == "I26" and embolism.hypothetical and not embolism.affirmed


def test_a_relatives_condition_is_kept_as_family():
    found = _by_text(extract.from_text(LETTER))
    assert found["diabétique"].family and not found["diabétique"].affirmed


def test_history_is_a_qualifier_of_an_affirmed_condition():
    found = _by_text(extract.from_text(LETTER))
    infarct = found["infarctus du myocarde"]
    assert infarct.code == "I21" and infarct.history and infarct.affirmed


def test_drugs_get_their_atc_code_and_the_type_of_diabetes_its_code():
    found = _by_text(extract.from_text(LETTER))
    assert found["metformine"].code == "A10BA02" and found["Kardégic"].code == "B01AC06"
    assert found["Diabète de type 2 déséquilibré"[:17]].code == "E11"


def test_offsets_point_at_the_span_and_its_sentence():
    for item in extract.from_text(LETTER):
        assert LETTER[item.start : item.end] == item.text
        assert item.text in LETTER[item.sentence_start : item.sentence_end]
    sentence = next(i for i in extract.from_text(LETTER) if i.text == "metformine")
    assert LETTER[sentence.sentence_start : sentence.sentence_end].startswith("Traitement par metformine")


def test_a_cda_s_coded_entries_come_with_their_negation():
    cda = b"""<ClinicalDocument xmlns="urn:hl7-org:v3"><component><structuredBody><component><section>
    <entry><observation classCode="OBS" moodCode="EVN"><code code="E11.9" codeSystem="2.16.840.1.113883.6.3"
      displayName="Diabete de type 2"/></observation></entry>
    <entry><observation classCode="OBS" moodCode="EVN" negationInd="true"><value code="I10"
      codeSystem="2.16.840.1.113883.6.3" displayName="HTA"/></observation></entry>
    <entry><substanceAdministration classCode="SBADM" moodCode="INT"><consumable><manufacturedProduct>
      <manufacturedMaterial><code code="A10BA02" codeSystem="2.16.840.1.113883.6.73"/></manufacturedMaterial>
    </manufacturedProduct></consumable></substanceAdministration></entry>
    </section></component></structuredBody></component></ClinicalDocument>"""
    found = {item.code: item for item in extract.from_cda(cda)}
    assert set(found) == {"E119", "I10", "A10BA02"}
    assert found["I10"].negated and not found["E119"].negated
    assert found["A10BA02"].kind == "drug" and found["E119"].source == "cda"


def test_a_broken_cda_gives_no_coded_entry():
    assert extract.from_cda(b"<ClinicalDocument><unclosed>") == []


def test_the_pipeline_is_loaded_once_per_process_and_named_by_its_version():
    first = pipeline.nlp()
    assert pipeline.nlp() is first
    assert pipeline.version().startswith("edsnlp-0.23.0+carnet.")
    assert pipeline.start_up() is not None
