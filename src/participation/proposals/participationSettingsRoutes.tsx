// The municipal admin's participation settings (municipality.configure): the form, and its post that
// validates, saves the municipality's own rules (never a consultation minimum below the national one)
// and answers 303 with a notice, or the form again (422) with what was typed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { formatLocalDate } from "../../standards/ui.tsx";
import { sendPage } from "../../web/context.ts";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { participationSettingsFor } from "../settings.ts";
import { saveMunicipalParticipation } from "./municipalSettings.ts";
import { SETTINGS_FIELDS, SettingsPage, settingsPath } from "./proposalStaffPages.tsx";
import { E, type Municipality, routeKit, type Slug, type Values, valuesOf, wholeNumber } from "./routeKit.ts";

const settingsForm = z.object({
  proposalWindowDays: wholeNumber(1, 365, `${E}.windowRange`),
  proposalThreshold: wholeNumber(1, 1_000_000, `${E}.thresholdRange`),
  registeredVoters: wholeNumber(1, 10_000_000, `${E}.votersRange`, true),
  supportRequiresVerified: z
    .string()
    .optional()
    .transform((s) => s === "yes"),
  consultationMinDays: wholeNumber(1, 365, `${E}.consultationRange`),
});

export async function participationSettingsRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, named, staffGate, noticeOf } = routeKit(app);

  // ── The municipal admin's participation settings.

  async function sendSettings(
    req: FastifyRequest<Slug>,
    reply: FastifyReply,
    m: Municipality,
    form: { values: Values; errors: FieldErrors },
    status = 200,
  ) {
    const [current, national] = await Promise.all([
      participationSettingsFor(db, m.id),
      participationSettingsFor(db, null),
    ]);
    return sendPage(
      reply,
      <SettingsPage
        ctx={pageContext(req, reply)}
        municipality={named(req, m)}
        own={current.municipalityId !== null}
        current={current}
        nationalMinimum={national.consultationMinDays}
        values={form.values}
        errors={form.errors}
        notice={noticeOf(req, status)}
      />,
      status,
    );
  }

  app.get<Slug>(
    "/m/:slug/admin/participation",
    { config: { page: { sample: "/m/prishtine/admin/participation", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await staffGate(req, reply, ["municipality.configure"]);
      if (!m) return reply;
      return sendSettings(req, reply, m, { values: {}, errors: {} });
    },
  );

  app.post<Slug>("/m/:slug/admin/participation", async (req, reply) => {
    const m = await staffGate(req, reply, ["municipality.configure"]);
    if (!m) return reply;
    const values = valuesOf(req.body, SETTINGS_FIELDS);
    // An unticked box sends nothing: keep it unticked when the form comes back.
    values.supportRequiresVerified = typed(req.body, "supportRequiresVerified") === "yes" ? "yes" : "no";
    const parsed = validate(settingsForm, req.body);
    if (!parsed.ok) return sendSettings(req, reply, m, { values, errors: parsed.errors }, 422);
    const v = parsed.value;
    const result = await saveMunicipalParticipation(db, {
      municipalityId: m.id,
      proposalWindowDays: v.proposalWindowDays!,
      proposalThreshold: v.proposalThreshold!,
      registeredVoters: v.registeredVoters ?? null,
      supportRequiresVerified: v.supportRequiresVerified,
      consultationMinDays: v.consultationMinDays!,
      actorId: req.user!.id,
      now: clock.now(),
      ip: req.ip,
    });
    if (!result.ok)
      return sendSettings(
        req,
        reply,
        m,
        {
          values,
          errors: {
            consultationMinDays:
              result.reason === "below_pending_minimum"
                ? [
                    `${E}.belowPendingMinimum`,
                    { minimum: result.minimum, date: formatLocalDate(req.lang, result.appliesFrom) },
                  ]
                : [`${E}.belowNationalMinimum`, { minimum: result.minimum }],
          },
        },
        422,
      );
    return reply.redirect(`${settingsPath(m.slug)}?done=settings`, 303);
  });
}
