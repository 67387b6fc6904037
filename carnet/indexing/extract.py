"""What a document says about conditions and drugs: a CDA's own coded entries first, then edsnlp over the
text. Each finding keeps its qualifiers (negated, hypothetical, about a relative, history) and the offsets
of its span and sentence, so that a page can show the sentence it came from."""

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeTree

from carnet.indexing import pipeline, terminology
from carnet.indexing.terminology import CONDITION, DRUG

MAX_CHARS = 200_000  # a longer text is indexed on its first 200,000 characters
HL7 = "{urn:hl7-org:v3}"
SYSTEMS = {"2.16.840.1.113883.6.3": CONDITION, "2.16.840.1.113883.6.73": DRUG}  # ICD-10 (CIM-10), ATC


@dataclass(frozen=True)
class Found:
    kind: str
    code: str
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    source: str = "nlp"

    @property
    def affirmed(self) -> bool:
        """Said of the patient as a fact: never a negated, hypothetical or relative's mention."""
        return not (self.negated or self.hypothetical or self.family)


def from_cda(data: bytes) -> list[Found]:
    """Coded entries of a CDA R2 body (``code``/``value`` in CIM-10 or ATC); ``negationInd`` is kept."""
    try:
        root = SafeTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, ValueError):
        return []
    found: list[Found] = []
    _walk(root, False, found)
    return found


def _walk(element, negated: bool, found: list[Found]) -> None:
    negated = negated or element.get("negationInd", "").lower() == "true"
    if element.tag in (f"{HL7}code", f"{HL7}value") and element.get("codeSystem") in SYSTEMS:
        code = terminology.plain(element.get("code", ""))
        if code:
            text = element.get("displayName", "") or code
            found.append(
                Found(SYSTEMS[element.get("codeSystem")], code, text, 0, 0, 0, 0, negated, source="cda")
            )
    for child in element:
        _walk(child, negated, found)


def from_text(text: str) -> list[Found]:
    """edsnlp's findings over ``text``; a disorder pipe's span that a CIM-10 span overlaps gives way to it."""
    doc = pipeline.nlp()(text[:MAX_CHARS])
    spans = [(span.label_, span) for span in doc.spans.get(pipeline.GATHERED, [])]
    coded = [span for group, span in spans if group == "cim10"]
    found = []
    for group, span in spans:
        if group not in ("cim10", "drug") and any(_overlap(span, other) for other in coded):
            continue
        kind_code = _code(group, span)
        if kind_code is not None:
            found.append(_finding(span, *kind_code))
    return sorted(found, key=lambda item: (item.start, item.kind, item.code))


def _overlap(one, other) -> bool:
    return one.start < other.end and other.start < one.end


def _code(group: str, span) -> tuple[str, str] | None:
    if group == "drug":
        return (DRUG, span.kb_id_) if span.kb_id_ else None
    if group == "cim10":
        return (CONDITION, span.kb_id_) if span.kb_id_ else None
    mapping = terminology.disorders()
    for pattern, code, _label in mapping["typed"].get(group, []):
        if re.search(pattern, span.text, re.IGNORECASE):
            return CONDITION, code
    return CONDITION, mapping[group][0]


def _finding(span, kind: str, code: str) -> Found:
    status = getattr(span._, "detailed_status", None) if span.has_extension("detailed_status") else None
    return Found(
        kind=kind,
        code=code,
        text=span.text,
        start=span.start_char,
        end=span.end_char,
        sentence_start=span.sent.start_char,
        sentence_end=span.sent.end_char,
        negated=bool(span._.negation) or status == "ABSENT",
        hypothetical=bool(span._.hypothesis),
        family=bool(span._.family),
        history=bool(span._.history) or status == "ABSTINENCE",
    )
