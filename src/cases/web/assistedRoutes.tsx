// Input received at the counter, by phone, on paper or by email, entered by staff with its channel and
// the date and time it was really received: the deadlines count from then, not from the typing.
import { and, asc, eq, isNull, or } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../access/policy.ts";
import { baseUrl } from "../../app.ts";
import { localDateOf, localDateTime } from "../../calendar/zone.ts";
import { categories, municipalities, municipalityCategories } from "../../db/schema.ts";
import { newToken } from "../../identity/tokens.ts";
import { type Language, offeredLanguages } from "../../kernel/i18n.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { submitCase } from "../commands/submitCase.ts";
import { AssistedDonePage, AssistedPage } from "./assistedPages.tsx";

const form = z.object({
  category: z
    .string({ error: "assisted.errors.category" })
    .regex(/^[a-z0-9-]{1,60}$/, "assisted.errors.category"),
  channel: z.enum(["counter", "phone", "paper", "email"], { error: "assisted.errors.channel" }),
  receivedDate: z
    .string({ error: "assisted.errors.receivedDate" })
    .regex(/^\d{4}-\d{2}-\d{2}$/, "assisted.errors.receivedDate"),
  receivedTime: z
    .string({ error: "assisted.errors.receivedTime" })
    .regex(/^\d{2}:\d{2}$/, "assisted.errors.receivedTime"),
  title: z
    .string({ error: "assisted.errors.title" })
    .trim()
    .min(1, "assisted.errors.title")
    .max(150, "assisted.errors.titleLong"),
  description: z
    .string({ error: "assisted.errors.description" })
    .trim()
    .min(1, "assisted.errors.description")
    .max(4000, "assisted.errors.descriptionLong"),
  address: z.string().trim().max(300, "assisted.errors.addressLong").optional().default(""),
  contactName: z.string().trim().max(200, "validation.name.too_long").optional().default(""),
  contactEmail: z
    .string()
    .trim()
    .max(254, "validation.email.invalid")
    .optional()
    .default("")
    .refine((v) => v === "" || z.email().safeParse(v).success, "validation.email.invalid"),
  contactPhone: z
    .string()
    .trim()
    .max(40, "assisted.errors.phone")
    .regex(/^[0-9+() .-]*$/, "assisted.errors.phone")
    .optional()
    .default(""),
  // Missing or odd (a form not from this page): recorded without replay protection rather than refused.
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .catch(() => newToken().token),
});

/** The form, with the citizen's language one of those the municipality offers (the list the page shows). */
const formFor = (languages: readonly Language[]) =>
  form.extend({
    language: z.enum(languages as [Language, ...Language[]], { error: "validation.language.invalid" }),
  });

const FIELDS = [
  "category",
  "channel",
  "receivedDate",
  "receivedTime",
  "title",
  "description",
  "address",
  "contactName",
  "contactEmail",
  "contactPhone",
  "language",
];

export async function assistedRoutes(app: FastifyInstance) {
  const { database, clock, calendar, profile, config } = app.deps;
  const db = database.db;

  const load = async (req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) => {
    if (!req.user) {
      void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      return undefined;
    }
    const [m] = await db
      .select()
      .from(municipalities)
      .where(and(eq(municipalities.slug, req.params.slug), eq(municipalities.active, true)));
    if (!m || !can(req.actor, "case.enter_assisted", { municipalityId: m.id })) {
      void notFound(req, reply);
      return undefined;
    }
    const offered = await db
      .select({ code: categories.code, type: categories.type, name: categories.name })
      .from(categories)
      .leftJoin(
        municipalityCategories,
        and(
          eq(municipalityCategories.categoryId, categories.id),
          eq(municipalityCategories.municipalityId, m.id),
        ),
      )
      .where(
        and(
          eq(categories.active, true),
          or(isNull(categories.municipalityId), eq(categories.municipalityId, m.id)),
          or(isNull(municipalityCategories.enabled), eq(municipalityCategories.enabled, true)),
        ),
      )
      .orderBy(asc(categories.type), asc(categories.code));
    // The languages the citizen may be answered in: sq, sr, en and those the municipality switched on.
    return { municipality: m, offered, languages: offeredLanguages(m.languages) };
  };

  const show = (
    req: FastifyRequest,
    reply: FastifyReply,
    loaded: NonNullable<Awaited<ReturnType<typeof load>>>,
    values: Record<string, string>,
    errors: FieldErrors,
    status = 200,
  ) =>
    sendPage(
      reply,
      <AssistedPage
        ctx={pageContext(req, reply)}
        municipality={loaded.municipality}
        categories={loaded.offered}
        languages={loaded.languages}
        values={values}
        errors={errors}
      />,
      status,
    );

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/assisted",
    { config: { page: { sample: "/m/prishtine/assisted", as: "zyrtari.prishtine" } } },
    async (req, reply) => {
      const loaded = await load(req, reply);
      if (!loaded) return reply;
      const now = clock.now();
      const hhmm = new Intl.DateTimeFormat("en-GB", {
        timeZone: calendar.timeZone,
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(now);
      return show(
        req,
        reply,
        loaded,
        {
          receivedDate: localDateOf(now, calendar.timeZone),
          receivedTime: hhmm,
          language: req.lang,
          // One key per form: submitting it twice records one case.
          idempotencyKey: newToken().token,
        },
        {},
      );
    },
  );

  app.post<{ Params: { slug: string } }>(
    "/m/:slug/assisted",
    { config: { rateLimit: { max: 60, timeWindow: 60_000 } } },
    async (req, reply) => {
      const loaded = await load(req, reply);
      if (!loaded) return reply;
      const values = Object.fromEntries([...FIELDS, "idempotencyKey"].map((f) => [f, typed(req.body, f)]));
      const parsed = validate(formFor(loaded.languages), req.body);
      if (!parsed.ok) return show(req, reply, loaded, values, parsed.errors, 422);
      const v = parsed.value;
      const category = loaded.offered.find((c) => c.code === v.category);
      if (!category) return show(req, reply, loaded, values, { category: "assisted.errors.category" }, 422);
      let receivedAt: Date;
      try {
        receivedAt = localDateTime(v.receivedDate, v.receivedTime, calendar.timeZone);
      } catch {
        return show(req, reply, loaded, values, { receivedDate: "assisted.errors.receivedDate" }, 422);
      }
      const result = await submitCase(
        {
          municipality: loaded.municipality.slug,
          type: category.type as "issue_report",
          category: category.code,
          answers: {},
          title: v.title,
          description: v.description,
          address: v.address,
          contact: { name: v.contactName, email: v.contactEmail, phone: v.contactPhone, showName: false },
          language: v.language,
          channel: v.channel,
          receivedAt,
          idempotencyKey: `assisted:${v.idempotencyKey}`,
          enteredBy: req.user!.id,
        },
        // Entered on the citizen's behalf: the case is not the staff member's own.
        {
          db,
          now: clock.now(),
          calendar,
          bounds: profile.bounds,
          baseUrl: baseUrl(config),
          poke: app.deps.pokeOutbox,
          actor: { kind: "visitor" },
          ip: req.ip,
        },
      );
      if (!result.ok) {
        const at: Record<string, string> = {
          location_required: "address",
          outside_area: "address",
          received_in_future: "receivedDate",
          invalid_answers: "category",
          account_required: "category",
          category_not_offered: "category",
          unknown_municipality: "category",
        };
        return show(
          req,
          reply,
          loaded,
          values,
          { [at[result.reason] ?? "form"]: `assisted.outcomes.${result.reason}` },
          422,
        );
      }
      return sendPage(
        reply,
        <AssistedDonePage
          ctx={pageContext(req, reply)}
          municipalitySlug={loaded.municipality.slug}
          trackingCode={result.trackingCode}
          trackingLink={
            result.trackingToken
              ? `${baseUrl(config)}/track/${result.trackingCode}?token=${result.trackingToken}`
              : undefined
          }
          responseDueAt={result.responseDueAt}
        />,
      );
    },
  );
}
