// Public pages about the municipalities: the home page (all of them) and each municipality's page.
import type { FastifyInstance } from "fastify";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { countCasesByStatus, findMunicipality, listMunicipalities } from "../queries.ts";
import { HomePage, MunicipalityPage } from "./pages.tsx";

export async function municipalityRoutes(app: FastifyInstance) {
  const { db } = app.deps.database;

  app.get("/", { config: { page: { sample: "/" }, publicCache: true } }, async (req, reply) => {
    const municipalities = await listMunicipalities(db);
    return sendPage(reply, <HomePage ctx={pageContext(req, reply)} municipalities={municipalities} />);
  });

  app.get<{ Params: { slug: string } }>(
    "/m/:slug",
    { config: { page: { sample: "/m/prishtine" }, publicCache: true } },
    async (req, reply) => {
      const municipality = await findMunicipality(db, req.params.slug);
      if (!municipality?.active) return notFound(req, reply);
      const counts = await countCasesByStatus(db, municipality.id);
      return sendPage(
        reply,
        <MunicipalityPage ctx={pageContext(req, reply)} municipality={municipality} counts={counts} />,
      );
    },
  );
}
