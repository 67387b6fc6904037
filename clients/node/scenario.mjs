// A scenario run by carnet/fhir/tests/test_clients.py with two JavaScript FHIR clients nobody here wrote:
// fhir-kit-client and fhirclient.js (SMART's own). Arguments: FHIR base URL, patient app token, patient id,
// professional token. Prints one JSON line of results; the Python test asserts on them.
import Client from "fhir-kit-client";
import smart from "fhirclient";

const [base, appToken, patientId, proToken] = process.argv.slice(2);
const results = {};

const kit = new Client({ baseUrl: base, customHeaders: { Authorization: `Bearer ${proToken}` } });
// fhir-kit-client 1.9.2's smartAuthMetadata() asks three discovery URLs at once and aborts the slower ones;
// beside fhirclient.js in one Node 20 process, that abort can fail inside the clients ("this.removeEventListener
// is not a function"), depending on timing only. Then the same client reads the SMART configuration with its
// plain request(), one URL, no abort: the server's discovery is still what is tested.
async function smartDiscovery(client) {
  try {
    return { ...(await client.smartAuthMetadata()), via: "smartAuthMetadata" };
  } catch (error) {
    if (!String(error.message).includes("removeEventListener")) throw error;
    const config = await client.request(".well-known/smart-configuration");
    return { authorizeUrl: config.authorization_endpoint, tokenUrl: config.token_endpoint, via: "request" };
  }
}
results.kitSmart = await smartDiscovery(kit);
const capability = await kit.capabilityStatement();
results.kitFhirVersion = capability.fhirVersion;
const first = await kit.search({ resourceType: "DocumentReference", searchParams: { patient: patientId, _count: 2, _sort: "-period" } });
results.kitTotal = first.total;
const second = await kit.nextPage(first);
const back = await kit.prevPage(second);
results.kitPagedBack = back.entry.map((e) => e.resource.id).join() === first.entry.map((e) => e.resource.id).join();
results.kitSecondPage = second.entry.length;
const subject = await kit.resolve({ reference: first.entry[0].resource.subject.reference });
results.kitSubject = subject.resourceType;
const created = await kit.create({
  resourceType: "Condition",
  body: { resourceType: "Condition", subject: { reference: `Patient/${patientId}` }, code: { text: "Asthme" } },
});
results.kitCreated = (await kit.read({ resourceType: "Condition", id: created.id })).code.text;

const app = smart({ url: "/", headers: {} }, {}).client({
  serverUrl: base,
  tokenResponse: { access_token: appToken, patient: patientId, token_type: "Bearer" },
});
const everything = await app.request(`DocumentReference?patient=${patientId}&_count=2`, { pageLimit: 0, flat: true });
results.jsPatient = app.getPatientId();
results.jsDocuments = everything.length;
const mine = await app.patient.read();
results.jsPatientName = mine.name[0].family;
const withIncludes = await app.request(`DocumentReference?_include=DocumentReference:subject&_count=1`);
results.jsIncluded = withIncludes.entry.filter((e) => e.search.mode === "include").length;
console.log(JSON.stringify(results));
