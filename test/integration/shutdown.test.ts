// Graceful shutdown: closing the app lets a request in flight finish, then refuses new connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
  p.app.get("/test-slow", async () => {
    await new Promise((r) => setTimeout(r, 600));
    return { done: true };
  });
});
afterAll(() => p.close());

describe("closing the app", () => {
  // fetch keeps its connection alive; without closing it after the response, close() would wait for the
  // keep-alive timeout (72 s) and this test would time out.
  it("finishes the request in flight before it stops, without waiting for keep-alive", {
    timeout: 15_000,
  }, async () => {
    await p.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = p.app.server.address() as { port: number };
    const inFlight = fetch(`http://127.0.0.1:${port}/test-slow`);
    await new Promise((r) => setTimeout(r, 150));
    const closing = p.app.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
