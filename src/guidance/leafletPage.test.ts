// The address a leaflet prints (and encodes in its QR code): the configured public URL, else the address the
// page was asked at when it is a plain host, else the server's own.
import { describe, expect, it } from "vitest";
import { leafletBase } from "./leafletPage.tsx";

describe("leafletBase", () => {
  const fallback = "http://127.0.0.1:3000";
  it("prefers the configured public URL", () => {
    expect(
      leafletBase({ publicUrl: "https://komuna.example.org/", protocol: "http", host: "evil", fallback }),
    ).toBe("https://komuna.example.org");
  });

  it("else uses the address the page was asked at, when it is a plain host", () => {
    expect(leafletBase({ publicUrl: undefined, protocol: "https", host: "ekomuna.rks:8443", fallback })).toBe(
      "https://ekomuna.rks:8443",
    );
    expect(leafletBase({ publicUrl: undefined, protocol: "http", host: "[::1]:3000", fallback })).toBe(
      "http://[::1]:3000",
    );
  });

  it("else falls back, never printing a host header that is not a host", () => {
    for (const host of ["evil.example/x", "a b", 'evil"><script>', ""])
      expect(leafletBase({ publicUrl: undefined, protocol: "http", host, fallback })).toBe(fallback);
  });
});
