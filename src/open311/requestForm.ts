// The body of POST requests (application/x-www-form-urlencoded), read into what submitCase takes. Only
// the form's shape is checked here (one value per field, numbers, lengths, formats); whether the category
// is offered, the answers fit its questions and the point lies in the municipality is submitCase's to
// decide, as for every other channel.
import { z } from "zod";
import { characterCount, normaliseText } from "../web/textField.ts";
import { type Problem, problem } from "./errors.ts";

/** Limits shared with the REST API and the web journey (src/api/schemas.ts LIMITS), and the spec's 4,000. */
const MAX = { title: 150, description: 4000, address: 500, namePart: 100 } as const;
const PHONE = /^\+?[0-9 ()/.-]{6,30}$/;
const DEGREES = /^[+-]?\d{1,3}(\.\d{1,15})?$/;
const ATTRIBUTE = /^attribute\[([^\]]{1,100})\](\[\])?$/;
const MAX_ATTRIBUTES = 100;

export interface RequestForm {
  location: { latitude: number; longitude: number } | undefined;
  address: string | undefined;
  description: string;
  contact: { name: string | undefined; email: string | undefined; phone: string | undefined };
  answers: Record<string, string | string[]>;
}

type Body = Record<string, string | string[] | undefined>;

/** The fields of the spec's POST (and ours: api_key, jurisdiction_id) that are read as one value. */
const SINGLE = [
  "api_key",
  "jurisdiction_id",
  "service_code",
  "lat",
  "long",
  "address_string",
  "address_id",
  "email",
  "device_id",
  "account_id",
  "first_name",
  "last_name",
  "phone",
  "description",
  "media_url",
] as const;

/** One value of a field, trimmed; undefined when absent or empty (the spec's Optional Arguments). */
export function field(body: Body, name: string): string | undefined {
  const v = body[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() ? s.trim() : undefined;
}

/** Reads a form body; every problem found is answered at once (the spec's errors are a list). */
export function readRequestForm(
  body: Body,
): { ok: true; value: RequestForm } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  for (const name of SINGLE) {
    const v = body[name];
    if (Array.isArray(v) && v.length > 1) problems.push(problem(400, "repeated", { field: name }));
  }

  // ── Location: lat and long together, or address_string; address_id alone is not understood here.
  const lat = field(body, "lat");
  const long = field(body, "long");
  const address = field(body, "address_string");
  let location: RequestForm["location"];
  if ((lat === undefined) !== (long === undefined)) problems.push(problem(400, "lat_long_pair"));
  else if (lat !== undefined && long !== undefined) {
    const latitude = DEGREES.test(lat) ? Number(lat) : Number.NaN;
    const longitude = DEGREES.test(long) ? Number(long) : Number.NaN;
    if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180))
      problems.push(problem(400, "lat_long_invalid"));
    else location = { latitude, longitude };
  }
  if (address !== undefined && characterCount(normaliseText(address)) > MAX.address)
    problems.push(problem(400, "address_too_long", { max: MAX.address }));
  if (lat === undefined && long === undefined && address === undefined)
    problems.push(problem(400, field(body, "address_id") ? "address_id_unsupported" : "location_missing"));

  // ── What is reported.
  const description = normaliseText(field(body, "description") ?? "");
  if (characterCount(description) > MAX.description)
    problems.push(problem(400, "description_too_long", { max: MAX.description }));

  // ── Who reports it: personal data, stored as any submission's contact and never shown.
  const first = field(body, "first_name");
  const last = field(body, "last_name");
  if ([first, last].some((n) => n !== undefined && characterCount(n) > MAX.namePart))
    problems.push(problem(400, "name_too_long", { max: MAX.namePart }));
  const email = field(body, "email");
  if (email !== undefined && (email.length > 254 || !z.email().safeParse(email).success))
    problems.push(problem(400, "email_invalid"));
  const phone = field(body, "phone");
  if (phone !== undefined && (!PHONE.test(phone) || phone.replace(/\D/g, "").length < 6))
    problems.push(problem(400, "phone_invalid"));

  // ── The answers to the service definition: attribute[code]=v, attribute[code][]=v1&attribute[code][]=v2.
  const answers: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(body)) {
    const m = ATTRIBUTE.exec(name);
    if (!m || v === undefined) continue;
    const code = m[1]!;
    const given = [v].flat();
    answers[code] = m[2]
      ? [...[answers[code] ?? []].flat(), ...given]
      : given.length === 1
        ? given[0]!
        : given;
  }
  if (Object.keys(answers).length > MAX_ATTRIBUTES)
    problems.push(problem(400, "attributes_too_many", { max: MAX_ATTRIBUTES }));

  if (problems.length > 0) return { ok: false, problems };
  const name = [first, last].filter(Boolean).join(" ") || undefined;
  return {
    ok: true,
    value: {
      location,
      address: address === undefined ? undefined : normaliseText(address),
      description,
      contact: { name, email, phone },
      answers,
    },
  };
}

/**
 * A case's title, which Open311 does not have: the description's first line, cut at a word within 150
 * characters, or the service's name when there is no description.
 */
export function titleFor(description: string, serviceName: string): string {
  const line = description.split("\n")[0]!.trim();
  if (!line) return serviceName;
  const chars = [...line];
  if (chars.length <= MAX.title) return line;
  const cut = chars.slice(0, MAX.title - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > MAX.title / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
