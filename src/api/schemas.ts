// What the API accepts and answers, as zod schemas: requests are validated with them in the handlers
// (so every refusal is the API's error shape with a message per field), and all of them are turned into
// JSON Schema (z.toJSONSchema) for the OpenAPI description, so the document and the checks cannot drift.
import { z } from "zod";
import { CASE_STATUSES, CASE_TYPES } from "../cases/statuses.ts";
import { ALL_LANGUAGES } from "../kernel/i18n.ts";

/** Limits shared with the web journey (submitRoutes.tsx), in characters as people count them. */
export const LIMITS = { title: 150, description: 4000, address: 500, name: 200, information: 4000 };

/** Line breaks as one character, no spaces at the ends (as the web journey stores text). */
const normalise = (s: string) => s.replace(/\r\n?/g, "\n").trim();

/**
 * A text field: no NUL (PostgreSQL cannot store it), normalised, then at most `max` characters counted
 * as code points (an emoji is one, as JSON Schema's maxLength counts) and, when required, not empty.
 */
const text = (max: number, required: boolean) =>
  z
    .string()
    .refine((s) => !s.includes("\u0000"), { message: "api.fields.control" })
    .transform(normalise)
    .pipe(
      z
        .string()
        .refine((s) => !required || s !== "", { message: "api.fields.empty" })
        .refine((s) => [...s].length <= max, { params: { max } }),
    )
    .meta({ maxLength: max, ...(required ? { minLength: 1 } : {}) });

const PHONE = /^\+?[0-9 ()/.-]{6,30}$/;

/** A name of something (a slug, a code): short, and nothing PostgreSQL cannot take as a parameter. */
const identifier = () =>
  z
    .string()
    .min(1)
    .max(100)
    .refine((s) => !s.includes("\u0000"), { message: "api.fields.control" });

const answerValue = z.union([
  z
    .string()
    .max(4000)
    .refine((s) => !s.includes("\u0000"), { message: "api.fields.control" }),
  z.number(),
  z
    .array(
      z
        .string()
        .max(1000)
        .refine((s) => !s.includes("\u0000"), { message: "api.fields.control" }),
    )
    .max(50),
]);

/** POST /api/v1/cases */
export const caseInput = z.strictObject({
  municipality: identifier().describe("The municipality's slug, e.g. `prishtine`."),
  type: z.enum(CASE_TYPES).describe("What kind of input this is."),
  category: identifier().describe(
    "A category code the municipality offers for this type (GET /api/v1/categories).",
  ),
  title: text(LIMITS.title, true).describe("A short summary."),
  description: text(LIMITS.description, true),
  location: z
    .strictObject({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
    })
    .optional()
    .describe("WGS 84. An issue report needs a location or an address; it must be inside the municipality."),
  address: text(LIMITS.address, false).optional(),
  answers: z
    .record(z.string().max(100), answerValue)
    .optional()
    .describe("Answers to the category's extra questions, by question code (see GET /api/v1/categories)."),
  contact: z
    .strictObject({
      name: text(LIMITS.name, false).optional(),
      email: z.email().max(254).optional(),
      phone: z
        .string()
        .regex(PHONE, { message: "api.fields.phone" })
        .refine((s) => s.replace(/\D/g, "").length >= 6, { message: "api.fields.phone" })
        .optional(),
      showName: z.boolean().optional().describe("Show the name publicly with the case (default false)."),
    })
    .optional()
    .describe(
      "The person the input comes from. Never public (except the name, when showName is true); with an email address they get the acknowledgement and updates.",
    ),
  language: z
    .enum(ALL_LANGUAGES)
    .optional()
    .describe(
      "The language messages to the person are written in: `sq`, `sr` or `en` in every municipality, `tr` or `bs` only where the municipality has switched it on; another is refused with 422 validation_failed at `language`. Default: the request's language (Accept-Language) among the municipality's.",
    ),
});
export type CaseInput = z.output<typeof caseInput>;

/** POST /api/v1/cases/{code}/information */
export const informationInput = z.strictObject({
  text: text(LIMITS.information, true).describe("What the submitter adds (kept for staff; not public)."),
});

/** The Idempotency-Key header: what a client may send (it is stored, prefixed, with the case). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

// ── Answers, for the OpenAPI description (the handlers build them; these describe them).

const isoDate = z.string().meta({ format: "date-time" });
const localized = z
  .object({
    sq: z.string(),
    sr: z.string(),
    en: z.string().optional(),
    tr: z.string().optional(),
    bs: z.string().optional(),
  })
  .describe("A name in each language it is known in.");

export const errorOutput = z
  .object({
    error: z.object({
      code: z.string().describe("Machine-readable; see docs/API.md for the list."),
      message: z.string().describe("For people, in the request's language (Accept-Language: sq, sr or en)."),
      fields: z
        .record(z.string(), z.string())
        .optional()
        .describe("The refused fields by path (e.g. `contact.email`), each with a message."),
      requestId: z.string().describe("Quote it when asking about this request."),
    }),
  })
  .meta({
    examples: [
      {
        error: {
          code: "validation_failed",
          message: "Some fields are missing or not valid: see fields.",
          fields: { title: "This must not be empty." },
          requestId: "3f1c2b0e-8d1e-4a55-9f7b-2f0a6c1d9e42",
        },
      },
    ],
  });

export const caseCreatedOutput = z.object({
  trackingCode: z.string().meta({ examples: ["PRI-2026-000018"] }),
  url: z.string().describe("The case's public page."),
  apiUrl: z.string().describe("The case in this API."),
  trackingUrl: z
    .string()
    .optional()
    .describe(
      "The private tracking link for the person who submitted: only in the 201 answer (only its hash is kept), never in a replay.",
    ),
  trackingToken: z
    .string()
    .optional()
    .describe("The token of trackingUrl, for X-Tracking-Token; only in the 201 answer."),
  responseDueAt: isoDate.describe("The municipality answers by then at the latest."),
  resolutionDueAt: isoDate,
});

const publicEvent = z.object({
  type: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  reasonCode: z.string().nullable(),
  message: z.string().nullable(),
  at: isoDate,
});

export const caseOutput = z.object({
  trackingCode: z.string(),
  type: z.enum(CASE_TYPES),
  status: z.enum(CASE_STATUSES),
  visibility: z.enum(["public", "private"]).describe("`private`: shown only to its submitter (or staff)."),
  channel: z.string(),
  municipality: z.object({ slug: z.string(), name: localized }),
  category: z.object({ code: z.string(), name: localized }),
  title: z.string(),
  description: z.string(),
  submitterName: z.string().nullable().describe("Only when the submitter chose to show it."),
  location: z
    .object({
      latitude: z.number(),
      longitude: z.number(),
      precision: z.enum(["exact", "approximate"]),
    })
    .nullable()
    .describe("Approximate (about 100 m) for sensitive categories."),
  address: z.string().nullable().describe("Never for sensitive categories."),
  receivedAt: isoDate,
  acknowledgedAt: isoDate.nullable(),
  responseDueAt: isoDate.nullable(),
  resolutionDueAt: isoDate.nullable(),
  resolvedAt: isoDate.nullable(),
  closedAt: isoDate.nullable(),
  reasonCode: z.string().nullable(),
  timeline: z.array(publicEvent).describe("The public events, oldest first."),
  photos: z.array(
    z.object({
      id: z.string(),
      width: z.number(),
      height: z.number(),
      url: z.string(),
      thumbnailUrl: z.string(),
    }),
  ),
  url: z.string().describe("The case's public page."),
});

export const caseListOutput = z.object({
  items: z.array(
    z.object({
      trackingCode: z.string(),
      type: z.enum(CASE_TYPES),
      status: z.enum(CASE_STATUSES),
      title: z.string(),
      receivedAt: isoDate,
      category: z.object({ code: z.string(), name: localized }),
      municipality: z.object({ slug: z.string(), name: localized }),
      url: z.string(),
      apiUrl: z.string(),
    }),
  ),
  page: z.number(),
  pageSize: z.number(),
  pageCount: z.number(),
  total: z.number().describe("Matching cases, counted up to 10 000 (see `more`)."),
  more: z.boolean().describe("True when more than 10 000 cases match."),
  links: z.object({
    self: z.string(),
    first: z.string(),
    last: z.string(),
    prev: z.string().optional(),
    next: z.string().optional(),
  }),
});

export const categoriesOutput = z.object({
  municipality: z.object({
    slug: z.string(),
    name: localized,
    languages: z
      .array(z.enum(ALL_LANGUAGES))
      .describe(
        "The languages a case there may take (POST /api/v1/cases `language`): sq, sr, en and those it switched on.",
      ),
  }),
  categories: z.array(
    z.object({
      code: z.string(),
      type: z.enum(CASE_TYPES),
      group: z.string(),
      name: localized,
      accountRequired: z
        .boolean()
        .describe("True: only a signed-in person may submit it (not an API key, not anonymously)."),
      questions: z.array(
        z.object({
          code: z.string(),
          datatype: z.enum(["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]),
          required: z.boolean(),
          order: z.number(),
          description: localized,
          values: z.array(z.object({ key: z.string(), name: localized })).optional(),
        }),
      ),
    }),
  ),
});

export const informationOutput = z.object({
  trackingCode: z.string(),
  status: z.enum(CASE_STATUSES),
  resumed: z
    .boolean()
    .describe("True when the municipality was waiting for this and the case is back at work."),
});

export const photosOutput = z.object({
  photos: z.array(
    z.object({
      id: z.string(),
      width: z.number(),
      height: z.number(),
      url: z.string().describe("Served only once the case is public and its category not sensitive."),
    }),
  ),
});

/** JSON Schema of a zod schema for the OpenAPI document (3.1 uses JSON Schema 2020-12). */
export function jsonSchema(schema: z.ZodType, io: "input" | "output" = "output"): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
}
