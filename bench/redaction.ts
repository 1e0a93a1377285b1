// The cost of keeping personal data out of public views (src/cases/publicView.ts): 100,000 made-up
// descriptions of ~260 characters, 5 % with an email, a phone or a personal number, through the redaction,
// the public view of a case and of a list row, beside the staff's check (personalData.ts) for comparison.
// Pure CPU, no database: `npm run bench:redaction`; results in docs/PERFORMANCE.md.
import { findPersonalData, redactPersonalData } from "../src/cases/personalData.ts";
import { publicCaseSummary, publicCaseView, type ViewedCase } from "../src/cases/publicView.ts";

const words =
  "gropë e thellë para shkollës rruga ndriçimi publik nuk punon që nga java e kaluar ju lutem rregullojeni sa më shpejt kati hyrja 12 3 40 cm 2026 ora 14:30 Rruga B".split(
    " ",
  );
let seed = 1;
/** A small linear congruential generator: the same descriptions on every run. */
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const personal = ["arta.krasniqi@example.org", "+383 44 123 456", "044-123-456", "1234567890"];
const N = 100_000;
const descriptions = Array.from({ length: N }, (_, i) => {
  const n = 20 + Math.floor(rnd() * 60);
  const w = Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]);
  if (i % 20 === 0) w.splice(Math.floor(n / 2), 0, personal[i % 4]!); // 5% carry personal data
  return w.join(" ");
});
const avg = descriptions.reduce((a, d) => a + d.length, 0) / N;
const at = new Date();
const row = (d: string) =>
  ({
    visibility: "public",
    trackingCode: "PRI-2026-000001",
    type: "issue_report",
    status: "submitted",
    channel: "web",
    title: d.slice(0, 60),
    description: d,
    showName: true,
    contactName: "Arta Krasniqi",
    latitude: 42.6,
    longitude: 21.1,
    address: "Rruga B 12",
    receivedAt: at,
    acknowledgedAt: null,
    responseDueAt: at,
    resolutionDueAt: at,
    resolvedAt: null,
    closedAt: null,
    reasonCode: null,
  }) as unknown as ViewedCase;
const rows = descriptions.map(row);
function time(name: string, f: () => void) {
  for (let r = 0; r < 2; r++) f(); // warm up
  const ts: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(`${name}: median ${ts[2]!.toFixed(1)} ms / 100k (${((ts[2]! * 1000) / N).toFixed(2)} µs each)`);
}
console.log(`100k descriptions, avg ${avg.toFixed(0)} chars, 5% with personal data`);
let sink = 0;
time("baseline: copy fields into an object (no redaction)", () => {
  for (const r of rows) sink += { ...r, description: r.description, title: r.title }.description.length;
});
time("redactPersonalData(description)", () => {
  for (const d of descriptions) sink += redactPersonalData(d).length;
});
time("findPersonalData(description) (the staff check, for comparison)", () => {
  for (const d of descriptions) sink += findPersonalData(d).length;
});
time("publicCaseView(row) (title, description, name, address)", () => {
  for (const r of rows) sink += publicCaseView(r, { sensitive: false }, [])!.description.length;
});
time("publicCaseSummary(row) (title)", () => {
  for (const r of rows) sink += publicCaseSummary(r)!.title.length;
});
// Keeps the work from being optimised away.
if (sink === 0) console.log("nothing measured");
