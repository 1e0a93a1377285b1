// The demo's onboarding state: the three municipalities the demo staffs take part in the pilot, so the
// ministry's list and the checklists show a pilot under way (none is live: the checklists say why).
import { inArray } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { municipalities } from "../db/schema.ts";

export const DEMO_PILOT = ["prishtine", "prizren", "gracanice"];

export async function seedDemoOnboarding(tx: Pick<Tx, "update">): Promise<void> {
  await tx.update(municipalities).set({ pilot: true }).where(inArray(municipalities.slug, DEMO_PILOT));
}
