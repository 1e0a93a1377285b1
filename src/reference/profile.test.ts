// The profile's municipal seats are where maps open: one per municipality, inside the country.
import { describe, expect, it } from "vitest";
import { loadProfile } from "./profile.ts";

describe("municipality seats", () => {
  const profile = loadProfile();

  it("gives every municipality exactly one seat, and none to an unknown slug", () => {
    const slugs = profile.municipalities.map((m) => m.slug).sort();
    expect([...profile.seats.keys()].sort()).toEqual(slugs);
  });

  it("places every seat inside the country's bounds", () => {
    const { south, west, north, east } = profile.bounds;
    for (const [slug, seat] of profile.seats) {
      expect(seat.latitude, slug).toBeGreaterThan(south);
      expect(seat.latitude, slug).toBeLessThan(north);
      expect(seat.longitude, slug).toBeGreaterThan(west);
      expect(seat.longitude, slug).toBeLessThan(east);
    }
  });
});
