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


# How a CIM-10 code itself may be written ("E11", "E11.9", "E 11"): edsnlp's matcher, on the normalised text,
# also takes "à 50" for A50; a code is kept only written as a code, in upper case
CODE_LIKE = re.compile(r"^\w\s?\d", re.IGNORECASE)
WRITTEN_CODE = re.compile(r"^[A-Z]\s?\d{2}(\.?\d+)?$")


def from_text(text: str) -> list[Found]:
    """edsnlp's findings over ``text``. Of condition spans that overlap, the one of the first group in
    ``pipeline.GROUPS`` is kept (carnet's terms, then CIM-10, then the disorder pipes), and within a group
    the longer one."""
    doc = pipeline.nlp()(text[:MAX_CHARS])
    spans = [(span.label_, span) for span in doc.spans.get(pipeline.GATHERED, []) if _plausible(span)]
    conditions = [(_rank(group), span) for group, span in spans if group != "drug"]
    found = []
    for group, span in spans:
        if group != "drug" and any(_beaten(_rank(group), span, *other) for other in conditions):
            continue
        kind_code = _code(group, span)
        if kind_code is not None:
            found.append(_finding(span, *kind_code))
    return sorted(found, key=lambda item: (item.start, item.kind, item.code))


def _plausible(span) -> bool:
    return span.label_ == "drug" or not CODE_LIKE.match(span.text) or bool(WRITTEN_CODE.match(span.text))


def _rank(group: str) -> int:
    return pipeline.GROUPS.index(group) if group in pipeline.TERMS else 3 if group == "cim10" else 4


def _beaten(rank: int, span, other_rank: int, other) -> bool:
    if not _overlap(span, other) or other is span:
        return False
    return other_rank < rank or (other_rank == rank and len(other) > len(span))


def _overlap(one, other) -> bool:
    return one.start < other.end and other.start < one.end


def _code(group: str, span) -> tuple[str, str] | None:
    if group == "drug":
        return (DRUG, span.kb_id_) if span.kb_id_ else None
    if group == "cim10" or group in pipeline.TERMS:
        return (CONDITION, span.kb_id_) if span.kb_id_ else None
    mapping = terminology.disorders()
    for pattern, code, _label in mapping["typed"].get(group, []):
        if re.search(pattern, span.text, re.IGNORECASE):
            return CONDITION, code
    return CONDITION, mapping[group][0]


def _finding(span, kind: str, code: str) -> Found:
    """A relative's condition is never the patient's history ("Antécédents familiaux : ...")."""
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
        history=(bool(span._.history) or status == "ABSTINENCE") and not span._.family,
    )
