// A tiny browser over app.inject(): it keeps cookies and submits forms with their CSRF token, so tests
// go through the pages the way a person does.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";

let clients = 0;

export class WebClient {
  readonly cookies = new Map<string, string>();
  /** Each client comes from its own address (nothing is sent: inject() only labels the request). */
  readonly remoteAddress: string;
  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
    remoteAddress?: string,
  ) {
    clients++;
    this.remoteAddress = remoteAddress ?? `198.51.100.${clients % 250}`;
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()) || c.value === "";
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.remember(
      await this.app.inject({
        method: "GET",
        url,
        remoteAddress: this.remoteAddress,
        headers: { ...this.headers, cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.remember(
      await this.app.inject({
        method: "POST",
        url,
        remoteAddress: this.remoteAddress,
        headers: {
          ...this.headers,
          cookie: this.cookieHeader(),
          "content-type": "application/x-www-form-urlencoded",
          ...headers,
        },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  }

  /** Opens `pageUrl`, takes the CSRF token of its form (the one posting to `action`, or the first) and submits `fields`. */
  async submit(pageUrl: string, fields: Record<string, string>, action?: string) {
    const page = await this.get(pageUrl);
    const forms = [...page.body.matchAll(/<form method="post" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) =>
      action ? decode(f[1]!) === action : !decode(f[1]!).startsWith("/logout"),
    );
    if (!form)
      throw new Error(
        `no form${action ? ` posting to ${action}` : ""} on ${pageUrl} (status ${page.statusCode})`,
      );
    // Like a browser: the form's hidden inputs (the CSRF token, idempotency keys) go along.
    const hidden = Object.fromEntries(
      [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((h) => [
        h[1]!,
        decode(h[2]!),
      ]),
    );
    return this.post(decode(form[1]!), { ...hidden, ...fields });
  }

  /** Posts to `url` with a valid CSRF token taken from another page's form (to try what no page offers). */
  async postWithToken(url: string, fields: Record<string, string>, tokenFrom = "/login") {
    const page = await this.get(tokenFrom);
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error(`no CSRF token on ${tokenFrom}`);
    return this.post(url, { _csrf: token, ...fields });
  }

  signedIn() {
    return this.cookies.has("sid");
  }
}

const decode = (s: string) =>
  s
    .replace(/&amp;/g, "&")
    .replace(/&#x2F;/g, "/")
    .replace(/&#39;/g, "'");
