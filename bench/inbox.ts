// The staff inbox in `npm run bench` (issue 5: a large municipality's inbox with three filters and a sort
// at p95 under 100 ms on 1,000,000 cases). Each view is GET /m/prishtine/workspace loaded signed in as one
// of the demo staff, which the app seeds in demo mode (the bench always runs it so): Prishtinë is the
// largest municipality of a seeded database by a few demo cases, and the capital, the largest in life.
// A view is named in BENCH_ROUTES by its name ("inbox", "inbox-officer", "inbox-head").
import { DEMO_DEPARTMENTS, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from "../src/demo/demoContent.ts";
import type { Route } from "./lib.ts";
import { signIn } from "./lib.ts";

const MUNICIPALITY = "prishtine";
const INBOX = `/m/${MUNICIPALITY}/workspace`;
/** The department the three-filter view narrows to: the demo officer's and department head's. */
const DEPARTMENT = DEMO_DEPARTMENTS.find((d) => d.code === "public-services")!;

interface InboxView {
  label: string;
  /** The demo user (the part of the address before "@"). */
  as: string;
  /** The query string; `{department}` becomes the department's id, read from the inbox's own filter. */
  query: string;
}

const VIEWS = {
  // What a coordinator triages from: the open cases of one department that are overdue, soonest due first.
  inbox: {
    label: "inbox: 3 filters + sort (coordinator)",
    as: `koordinatori.${MUNICIPALITY}`,
    query: "status=submitted&status=assigned&status=in_progress&department={department}&sla=overdue&sort=due",
  },
  // The page an officer and a department head open first: their department's cases and their own.
  "inbox-officer": { label: "inbox: officer's default view", as: `zyrtari.${MUNICIPALITY}`, query: "" },
  "inbox-head": { label: "inbox: department head's default view", as: `drejtori.${MUNICIPALITY}`, query: "" },
} satisfies Record<string, InboxView>;

export type InboxViewName = keyof typeof VIEWS;
export const INBOX_VIEW_NAMES = Object.keys(VIEWS) as InboxViewName[];
export const isInboxView = (name: string): name is InboxViewName => Object.hasOwn(VIEWS, name);

/**
 * The department filter's value for a department, from the inbox page itself: ids are the database's,
 * and the options are labelled in the page's language (Albanian, as no Accept-Language is sent).
 */
async function departmentId(base: string, cookie: string): Promise<string> {
  const res = await fetch(`${base}${INBOX}`, { headers: { cookie }, signal: AbortSignal.timeout(30_000) });
  const page = await res.text();
  const select = page.match(/<select[^>]*name="department"[^>]*>([\s\S]*?)<\/select>/)?.[1] ?? "";
  const id = [...select.matchAll(/<option value="(\d+)"[^>]*>([^<]*)<\/option>/g)].find(
    (o) => o[2]!.trim() === DEPARTMENT.name.sq,
  )?.[1];
  if (!id) throw new Error(`no department "${DEPARTMENT.name.sq}" among the filters of ${INBOX}`);
  return id;
}

/** A signed-in view of the inbox as a route: the harness signs in once, then loads it with the session. */
export function inboxRoute(name: InboxViewName): Route {
  const view: InboxView = VIEWS[name];
  const path = view.query ? `${INBOX}?${view.query}` : INBOX;
  return {
    label: view.label,
    path,
    prepare: async (base) => {
      const cookie = await signIn(base, `${view.as}@${DEMO_EMAIL_DOMAIN}`, DEMO_PASSWORD);
      const resolved = path.includes("{department}")
        ? path.replace("{department}", await departmentId(base, cookie))
        : path;
      return { path: resolved, headers: { cookie } };
    },
  };
}
