// The guard between a webhook URL an admin typed and the server's own network. A receiver must be a
// public HTTPS address: a URL naming (or resolving to) a loopback, private, link-local, CGNAT, multicast,
// unspecified or reserved address would let anyone who can register a webhook make the platform call
// its own database, metadata service or intranet. The check runs at registration and again at every
// delivery, and the delivery connects to the very address that was checked (it is pinned), so a DNS
// answer that changes between the check and the connection (rebinding) cannot reach inside.
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";

export type AddressClass =
  | "public"
  | "private"
  | "loopback"
  | "link_local"
  | "cgnat"
  | "multicast"
  | "unspecified"
  | "reserved";

interface Range {
  bytes: number[];
  bits: number;
  is: AddressClass;
}
const range = (bytes: number[], bits: number, is: AddressClass): Range => ({ bytes, bits, is });

// IANA's special-purpose registries: what is not reachable on the public internet is refused.
const IPV4: readonly Range[] = [
  range([0], 8, "unspecified"), // "this network"
  range([10], 8, "private"),
  range([100, 64], 10, "cgnat"),
  range([127], 8, "loopback"),
  range([169, 254], 16, "link_local"), // cloud metadata services live here
  range([172, 16], 12, "private"),
  range([192, 0, 0], 24, "reserved"), // IETF protocol assignments
  range([192, 0, 2], 24, "reserved"), // documentation
  range([192, 88, 99], 24, "reserved"), // 6to4 relays
  range([192, 168], 16, "private"),
  range([198, 18], 15, "reserved"), // benchmarking
  range([198, 51, 100], 24, "reserved"), // documentation
  range([203, 0, 113], 24, "reserved"), // documentation
  range([224], 4, "multicast"),
  range([240], 4, "reserved"), // future use, and the broadcast address
];

const IPV6: readonly Range[] = [
  range([], 128, "unspecified"), // ::
  range([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, "loopback"), // ::1
  range([0x01, 0], 64, "reserved"), // discard-only
  range([0x20, 0x01, 0x0d, 0xb8], 32, "reserved"), // documentation
  range([0x20, 0x01, 0x00], 23, "reserved"), // IETF protocol assignments (Teredo among them)
  range([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, "private"), // local-use NAT64
  range([0xfc], 7, "private"), // unique local
  range([0xfe, 0x80], 10, "link_local"),
  range([0xfe, 0xc0], 10, "private"), // site-local (deprecated)
  range([0xff], 8, "multicast"),
];

function inRange(address: readonly number[], r: Range): boolean {
  for (let bit = 0; bit < r.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((address[byte]! & mask) !== ((r.bytes[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Bytes(text: string): number[] {
  return text.split(".").map(Number);
}

/** The 16 bytes of an IPv6 address already known valid (a zone index, "%eth0", is dropped). */
function ipv6Bytes(text: string): number[] {
  let s = text.split("%")[0]!.toLowerCase();
  // A dotted quad at the end (::ffff:10.0.0.1) is two more groups.
  const quad = s.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? (s.split("::") as [string, string]) : [s, undefined];
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function classifyV4(bytes: readonly number[]): AddressClass {
  return IPV4.find((r) => inRange(bytes, r))?.is ?? "public";
}

/**
 * What kind of address an IP is; anything not "public" is refused unless the endpoint is allowed private
 * addresses. An IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) is judged by the IPv4 address it leads to. Not an IP address at all: "reserved".
 */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip.split("%")[0]!);
  if (family === 4) return classifyV4(ipv4Bytes(ip));
  if (family !== 6) return "reserved";
  const b = ipv6Bytes(ip);
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return classifyV4(b.slice(12));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12))
    return classifyV4(b.slice(12));
  if (b[0] === 0x20 && b[1] === 0x02) return classifyV4(b.slice(2, 6));
  const special = IPV6.find((r) => inRange(b, r));
  if (special) return special.is;
  // ::/96 (IPv4-compatible, deprecated) and everything outside global unicast 2000::/3 is no receiver.
  if ((b[0]! & 0xe0) !== 0x20) return "reserved";
  return "public";
}

export const isPublicAddress = (ip: string) => classifyAddress(ip) === "public";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name has (dns.lookup with all: true, as the operating system resolves it). */
export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Why a webhook URL is refused; each is a message under webhooks.errors in the catalogs. */
export type UrlProblem =
  | "url_invalid"
  | "url_scheme"
  | "url_https_required"
  | "url_credentials"
  | "url_private_address"
  | "url_not_found";

export const URL_PROBLEMS: readonly UrlProblem[] = [
  "url_invalid",
  "url_scheme",
  "url_https_required",
  "url_credentials",
  "url_private_address",
  "url_not_found",
];

export type UrlCheck =
  | { ok: true; url: URL; address: ResolvedAddress }
  /** `address`: the one refused; `detail`: its kind, or why the name did not resolve. */
  | { ok: false; problem: UrlProblem; address?: string; detail?: string };

export const MAX_URL_LENGTH = 2000;

/** The URL as typed, parsed, or the reason it cannot be a webhook's address at all (before any DNS). */
export function parseWebhookUrl(
  text: string,
  allowPrivate: boolean,
): { ok: true; url: URL } | { ok: false; problem: UrlProblem } {
  if (text.length === 0 || text.length > MAX_URL_LENGTH || !URL.canParse(text))
    return { ok: false, problem: "url_invalid" };
  const url = new URL(text);
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, problem: "url_scheme" };
  // Plain http only inside the operator's own network, where an operator has allowed it.
  if (url.protocol === "http:" && !allowPrivate) return { ok: false, problem: "url_https_required" };
  // A password in the URL would be shown in every list of endpoints; the signature authenticates.
  if (url.username !== "" || url.password !== "") return { ok: false, problem: "url_credentials" };
  if (url.hostname === "") return { ok: false, problem: "url_invalid" };
  return { ok: true, url };
}

/**
 * Checks a webhook URL: scheme, and every address its host resolves to. Returns the address to connect
 * to (the first one checked), so the caller pins the connection to it. `url_not_found` (the name does
 * not resolve) may be passing; every other problem stays until the URL or the endpoint changes.
 */
export async function checkWebhookUrl(
  text: string,
  options: { allowPrivate: boolean; lookup?: Lookup },
): Promise<UrlCheck> {
  const parsed = parseWebhookUrl(text, options.allowPrivate);
  if (!parsed.ok) return parsed;
  const { url } = parsed;
  // URL keeps an IPv6 literal in brackets; it needs no DNS.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host);
    } catch (e) {
      return {
        ok: false,
        problem: "url_not_found",
        detail: (e as { code?: string }).code ?? "lookup failed",
      };
    }
    if (addresses.length === 0) return { ok: false, problem: "url_not_found" };
  }
  if (!options.allowPrivate) {
    // Every address, not only the first: a name with one public and one private address could be
    // connected to either.
    const inside = addresses.find((a) => !isPublicAddress(a.address));
    if (inside)
      return {
        ok: false,
        problem: "url_private_address",
        address: inside.address,
        detail: classifyAddress(inside.address),
      };
  }
  return { ok: true, url, address: addresses[0]! };
}

export interface PinnedResponse {
  status: number;
  /** Where a redirect points (never followed). */
  location?: string;
  /** The first characters of the answer, for the delivery log. */
  snippet: string;
}

const SNIPPET_BYTES = 512;

/**
 * POSTs to the URL, connected to `address` whatever DNS answers now (the name is still sent as Host and
 * as the TLS server name, so certificates are checked against it). Redirects are not followed: a 3xx is
 * an answer like any other. Reads at most a few hundred bytes of the answer, then closes.
 */
export function postPinned(
  url: URL,
  address: ResolvedAddress,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<PinnedResponse> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const pinned = (
      _host: string,
      options: { all?: boolean },
      done: (err: Error | null, address: string | ResolvedAddress[], family?: number) => void,
    ) => (options.all ? done(null, [address]) : done(null, address.address, address.family));
    const req = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        signal,
        lookup: pinned as never,
        // A connection of its own: a pooled one might have been opened to another address.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          res.destroy();
          const location = res.headers.location;
          resolve({
            status: res.statusCode ?? 0,
            ...(typeof location === "string" ? { location } : {}),
            snippet: Buffer.concat(chunks).toString("utf8").slice(0, SNIPPET_BYTES),
          });
        };
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= SNIPPET_BYTES) finish();
        });
        res.on("end", finish);
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
