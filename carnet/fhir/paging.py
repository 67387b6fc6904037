"""Search parameters and searchset Bundles: FHIR's leniency (unknown parameters ignored unless the client
says ``Prefer: handling=strict``), ``_count``/``_offset`` paging with links both ways that keep every
repeated parameter, and no NIR in any link (``patient.identifier`` becomes ``patient``)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from carnet.fhir.outcome import FhirError

RESULT_PARAMS = {"_count", "_offset", "_sort", "_include", "_revinclude", "_summary", "_total", "_elements"}
IGNORED_PARAMS = {"_format", "_pretty"}
MAX_COUNT = 100


@dataclass
class Query:
    """The parameters of one search, wherever they came from (URL, POST body or both)."""

    params: QueryDict
    base: str
    strict: bool = False

    def get(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)

    def getlist(self, name: str) -> list[str]:
        return [value for value in self.params.getlist(name) if value != ""]

    def check_known(self, known: set[str]) -> None:
        unknown = {name.split(":")[0] for name in self.params} - known - RESULT_PARAMS - IGNORED_PARAMS
        if unknown and self.strict:
            raise FhirError(
                400, "not-supported", f"unknown search parameter(s): {', '.join(sorted(unknown))}"
            )

    def page(self) -> tuple[int, int]:
        try:
            count = int(self.get("_count") or 20)
            offset = int(self.get("_offset") or 0)
        except ValueError:
            raise FhirError(400, "invalid", "_count and _offset must be integers") from None
        if count < 0 or offset < 0:
            raise FhirError(400, "invalid", "_count and _offset cannot be negative")
        return min(count, MAX_COUNT), offset

    @property
    def summary_count(self) -> bool:
        return self.get("_summary") == "count" or self.get("_count") == "0"


def query_of(request, base_path: str | None = None) -> Query:
    """Parameters from the URL and, for ``POST _search``, from the form body; the links point at GET."""
    params = request.GET.copy()
    if request.method == "POST":
        for name, values in request.POST.lists():
            params.setlist(name, params.getlist(name) + values)
    if any("\x00" in name + "".join(values) for name, values in params.lists()):
        # PostgreSQL's text cannot hold it (a 500 found by schemathesis); no FHIR value has one
        raise FhirError(400, "invalid", "a search parameter holds a NUL character (%00)")
    path = base_path or request.path.removesuffix("/_search")
    strict = "handling=strict" in request.headers.get("Prefer", "")
    return Query(params, request.build_absolute_uri(path), strict)


def _link(query: Query, patient_id, **changes) -> str:
    params = query.params.copy()
    if "patient.identifier" in params:  # never a NIR in a URL: the patient's id instead
        del params["patient.identifier"]
        if patient_id is not None:
            params["patient"] = str(patient_id)
    for name, value in changes.items():
        params[name] = str(value)
    return f"{query.base}?{urlencode(list(params.lists()), doseq=True)}"


def searchset(query: Query, total: int, resources: list[dict], *, patient_id=None, included=()) -> dict:
    count, offset = query.page()
    links = [{"relation": "self", "url": _link(query, patient_id)}]
    if count and not query.summary_count:
        links.append({"relation": "first", "url": _link(query, patient_id, _offset=0, _count=count)})
        if offset > 0:
            previous = max(offset - count, 0)
            links.append(
                {"relation": "previous", "url": _link(query, patient_id, _offset=previous, _count=count)}
            )
        if offset + count < total:
            links.append(
                {"relation": "next", "url": _link(query, patient_id, _offset=offset + count, _count=count)}
            )
        last = max((total - 1) // count * count, 0)
        links.append({"relation": "last", "url": _link(query, patient_id, _offset=last, _count=count)})
    root = query.base.rsplit("/", 1)[0]
    entries = [_entry(root, r, "match") for r in resources] + [_entry(root, r, "include") for r in included]
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links}
    return bundle | ({"entry": entries} if entries else {})


def _entry(root: str, resource: dict, mode: str) -> dict:
    return {
        "fullUrl": f"{root}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": mode},
    }


def bundle_of(query: Query, resources: list[dict], **extra) -> dict:
    """A searchset of an in-memory list, paged the same way."""
    count, offset = query.page()
    page = [] if query.summary_count else resources[offset : offset + count]
    return searchset(query, len(resources), page, **extra)
