// The pure parts of webhooks: which addresses the SSRF guard refuses, how a URL is checked (every address
// a name resolves to, the checked one pinned), the signature a receiver verifies, and what a case event
// carries (its public view, never the submitter's name).
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PublicCase } from "../cases/publicView.ts";
import { type AddressClass, checkWebhookUrl, classifyAddress, type Lookup, postPinned } from "./ssrf.ts";
import {
  caseEventData,
  type DeliveryFailure,
  failureText,
  isWebhookEvent,
  privateCaseEventData,
  readFailure,
  signatureHeader,
  verifySignature,
  WEBHOOK_EVENTS,
} from "./webhooks.ts";

describe("classifyAddress", () => {
  const cases: [string, AddressClass][] = [
    ["93.184.215.14", "public"],
    ["8.8.8.8", "public"],
    ["0.0.0.0", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["169.254.169.254", "link_local"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["100.128.0.1", "public"],
    ["224.0.0.251", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "reserved"],
    ["198.18.0.1", "reserved"],
    ["192.0.2.7", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["fe80::1", "link_local"],
    ["fe80::1%eth0", "link_local"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4001:82b::200e", "public"],
    // IPv4 inside IPv6 is judged by the IPv4 address it reaches.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "link_local"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::a00:1", "private"],
    ["64:ff9b::808:808", "public"],
    ["2002:c0a8:0101::1", "private"],
    ["::127.0.0.1", "reserved"],
    ["not an address", "reserved"],
  ];
  it.each(cases)("%s is %s", (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join("."));

  it("judges an IPv4-mapped IPv6 address as the IPv4 address itself", () => {
    fc.assert(fc.property(ipv4, (ip) => classifyAddress(`::ffff:${ip}`) === classifyAddress(ip)));
  });

  it("refuses every address of 10/8, 127/8 and 169.254/16", () => {
    const octet = fc.nat(255);
    fc.assert(
      fc.property(fc.constantFrom(10, 127), octet, octet, octet, (a, b, c, d) =>
        ["private", "loopback"].includes(classifyAddress(`${a}.${b}.${c}.${d}`)),
      ),
    );
    fc.assert(fc.property(octet, octet, (c, d) => classifyAddress(`169.254.${c}.${d}`) === "link_local"));
  });
});

describe("checkWebhookUrl", () => {
  const dns =
    (table: Record<string, string[]>): Lookup =>
    async (host) => {
      const addresses = table[host];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    };
  const lookup = dns({
    "hooks.example.org": ["93.184.215.14", "2606:4700:4700::1111"],
    "rebind.example.org": ["93.184.215.14", "10.0.0.7"],
    "intranet.example.org": ["192.168.10.5"],
    "metadata.example.org": ["169.254.169.254"],
  });
  const problem = async (url: string, allowPrivate = false) => {
    const r = await checkWebhookUrl(url, { allowPrivate, lookup });
    return r.ok ? "ok" : r.problem;
  };

  it("accepts an https URL whose every address is public, and pins the first", async () => {
    const r = await checkWebhookUrl("https://hooks.example.org/ekomuna", { allowPrivate: false, lookup });
    expect(r).toMatchObject({ ok: true, address: { address: "93.184.215.14", family: 4 } });
  });

  it("refuses a name with any private address among its answers (rebinding, split answers)", async () => {
    expect(await problem("https://rebind.example.org/")).toBe("url_private_address");
    expect(await problem("https://intranet.example.org/")).toBe("url_private_address");
    expect(await problem("https://metadata.example.org/latest")).toBe("url_private_address");
  });

  it("refuses loopback and private literals, however they are written", async () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://localhost.127.0.0.1.nip.invalid@127.0.0.1/",
      "https://2130706433/",
      "https://0x7f.1/",
      "https://[::1]:8443/",
      "https://[::ffff:169.254.169.254]/",
      "https://10.0.0.1:9000/hook",
    ])
      expect(["url_private_address", "url_credentials"]).toContain(await problem(url));
    expect(await problem("https://2130706433/")).toBe("url_private_address");
  });

  it("allows private addresses and plain http only when the endpoint is allowed them", async () => {
    expect(await problem("http://hooks.example.org/")).toBe("url_https_required");
    expect(await problem("http://127.0.0.1:8080/", true)).toBe("ok");
    expect(await problem("https://intranet.example.org/", true)).toBe("ok");
  });

  it("refuses other schemes, credentials, unknown names and what is no URL", async () => {
    expect(await problem("ftp://hooks.example.org/")).toBe("url_scheme");
    expect(await problem("file:///etc/passwd")).toBe("url_scheme");
    expect(await problem("https://user:secret@hooks.example.org/")).toBe("url_credentials");
    expect(await problem("https://nowhere.example.org/")).toBe("url_not_found");
    expect(await problem("hooks.example.org/x")).toBe("url_invalid");
    expect(await problem(`https://hooks.example.org/${"a".repeat(2000)}`)).toBe("url_invalid");
  });
});

describe("postPinned", () => {
  it("connects to the checked address whatever the name would resolve to now, and sends the name as Host", async () => {
    let seen: { headers: IncomingHttpHeaders; body: string } | undefined;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        seen = { headers: req.headers, body };
        res.writeHead(302, { location: "http://169.254.169.254/" }).end("moved");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      // .invalid never resolves: the request can only have reached the server through the pinned address.
      const res = await postPinned(
        new URL(`http://receiver.invalid:${port}/hook`),
        { address: "127.0.0.1", family: 4 },
        { "Content-Type": "application/json" },
        '{"a":1}',
        AbortSignal.timeout(5_000),
      );
      expect(seen?.headers.host).toBe(`receiver.invalid:${port}`);
      expect(seen?.body).toBe('{"a":1}');
      // The redirect is reported, not followed.
      expect(res).toMatchObject({ status: 302, location: "http://169.254.169.254/", snippet: "moved" });
    } finally {
      server.close();
    }
  });
});

describe("signatures", () => {
  const secret = "whsec_test";
  const body = '{"id":"1","event":"case.answered"}';

  it("signs the time and the body, in the documented format", () => {
    const header = signatureHeader(secret, body, 1_790_000_000);
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, secret, 1_790_000_010)).toBe(true);
  });

  it("fails a changed body, another secret, another time and an old message", () => {
    const header = signatureHeader(secret, body, 1_790_000_000);
    expect(verifySignature(header, `${body} `, secret, 1_790_000_000)).toBe(false);
    expect(verifySignature(header, body, "whsec_other", 1_790_000_000)).toBe(false);
    expect(verifySignature(header.replace("t=1790000000", "t=1790000001"), body, secret, 1_790_000_000)).toBe(
      false,
    );
    expect(verifySignature(header, body, secret, 1_790_000_000 + 301)).toBe(false);
    expect(verifySignature("v1=abc", body, secret, 1_790_000_000)).toBe(false);
  });
});

describe("case event data", () => {
  const view: PublicCase = {
    trackingCode: "PRI-2026-000042",
    type: "issue_report",
    status: "answered",
    channel: "web",
    title: "Pothole",
    description: "A deep pothole",
    submitterName: "Lirije Shala",
    location: { latitude: 42.66, longitude: 21.16, precision: "exact" },
    address: "Rruga B",
    receivedAt: new Date("2026-11-20T08:00:00Z"),
    acknowledgedAt: new Date("2026-11-20T09:00:00Z"),
    responseDueAt: new Date("2026-12-04T23:00:00Z"),
    resolutionDueAt: null,
    resolvedAt: null,
    closedAt: null,
    reasonCode: null,
    timeline: [
      {
        type: "answer_published",
        fromStatus: null,
        toStatus: null,
        reasonCode: null,
        message: "x",
        at: new Date(),
      },
    ],
    photos: [],
  };
  const context = {
    municipality: "prishtine",
    url: "https://ekomuna.example.org/cases/PRI-2026-000042",
    fromStatus: "in_progress" as const,
    toStatus: "answered" as const,
  };

  it("carries the public view without the submitter's name, timeline or photos, dates as ISO text", () => {
    const data = caseEventData(view, context);
    expect(JSON.stringify(data)).not.toContain("Lirije");
    expect(data).toEqual({
      municipality: "prishtine",
      case: expect.objectContaining({
        trackingCode: "PRI-2026-000042",
        status: "answered",
        visibility: "public",
        address: "Rruga B",
        receivedAt: "2026-11-20T08:00:00.000Z",
        url: context.url,
      }),
      change: { fromStatus: "in_progress", toStatus: "answered" },
    });
    expect(data.case).not.toHaveProperty("timeline");
    expect(data.case).not.toHaveProperty("submitterName");
  });

  it("says only the code, type and status of a case made private", () => {
    const data = privateCaseEventData(view, { ...context, visibility: "private" });
    expect(data.case).toMatchObject({ trackingCode: "PRI-2026-000042", visibility: "private", title: null });
    expect(JSON.stringify(data)).not.toMatch(/Pothole|Rruga|42\.66/);
  });

  it("names the events endpoints subscribe to", () => {
    expect(WEBHOOK_EVENTS).toContain("case.answered");
    expect(isWebhookEvent("case.answered")).toBe(true);
    expect(isWebhookEvent("ping")).toBe(false);
  });
});

describe("the delivery log's failures", () => {
  const failures: DeliveryFailure[] = [
    { kind: "timeout", ms: 10_000 },
    { kind: "deactivated" },
    { kind: "refused", problem: "url_private_address", address: "10.0.0.7", detail: "private" },
    { kind: "refused", problem: "url_https_required" },
    { kind: "refused", problem: "url_not_found", detail: "ENOTFOUND" },
    { kind: "redirect", status: 301, location: "https://elsewhere.example.org/a b" },
    { kind: "answer", status: 500, snippet: "database down: try later" },
    { kind: "answer", status: 404, snippet: "" },
    { kind: "network", detail: "ECONNREFUSED: connect ECONNREFUSED 93.184.215.14:443" },
  ];
  it.each(failures)("reads back what it wrote: %o", (f) => {
    expect(readFailure(failureText(f))).toEqual(f);
  });
  it("reads a line it did not write as a network failure, quoting it", () => {
    expect(readFailure("refused: url_bogus 1.2.3.4")).toEqual({
      kind: "network",
      detail: "refused: url_bogus 1.2.3.4",
    });
  });
});
