// Static assets under src/web/assets are served with a content hash in their name
// (/assets/app.3f9c1a2b.css) and cached for a year: a change gets a new name, so no stale copies.
// Scripts (.ts) are bundled and minified by esbuild at start-up, stylesheets minified (and bundled when
// they @import vendor CSS from node_modules); everything is kept in memory, text assets also compressed at
// the best quality (brotli 11, gzip 9) once, since they never change while the process runs.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { buildSync, transformSync } from "esbuild";

/** The content codings the platform answers in (docs/PERFORMANCE.md, "Speed on a slow phone"). */
export type Encoding = "br" | "gzip";

/** Below this, compression saves less than the headers it adds. */
export const COMPRESS_MIN_BYTES = 1024;

export interface Asset {
  url: string;
  body: Buffer;
  type: string;
  /** The body at the best quality in each coding; absent for binary types and tiny files. */
  compressed: Promise<Record<Encoding, Buffer>> | undefined;
}

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

export const assetsDir = fileURLToPath(new URL("./assets", import.meta.url));

/**
 * The coding to answer in from an Accept-Encoding header: the one the client rates highest, brotli on a
 * tie (smaller); undefined when it accepts neither (then the identity). `*` and `x-gzip` count as gzip, as
 * the compression plugin reads them (RFC 7230 §4.2.3), so every answer of a page agrees.
 */
export function acceptedEncoding(header: string | string[] | undefined): Encoding | undefined {
  if (!header) return undefined;
  const rated = new Map<string, number>();
  for (const part of String(header).toLowerCase().split(",")) {
    const [name = "", ...params] = part.split(";").map((p) => p.trim());
    const q = params.find((p) => p.startsWith("q="));
    rated.set(name === "x-gzip" ? "gzip" : name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const br = rated.get("br") ?? 0;
  const gz = rated.get("gzip") ?? rated.get("*") ?? 0;
  if (br <= 0 && gz <= 0) return undefined;
  return br >= gz ? "br" : "gzip";
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Best-quality copies by asset URL (its content hash), shared by every Assets of the process: tests build
 * one per platform. Brotli 11 costs ~3 ms per KB (0.6 s for the map script), too much per request and
 * too long to hold start-up for, so it runs on libuv's threads while the server starts.
 */
const bestCopies = new Map<string, Promise<Record<Encoding, Buffer>>>();

function bestCompressed(url: string, body: Buffer): Promise<Record<Encoding, Buffer>> {
  let copies = bestCopies.get(url);
  if (!copies) {
    copies = Promise.all([
      brotliAsync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
      gzipAsync(body, { level: constants.Z_BEST_COMPRESSION }),
    ]).then(([br, gz]) => ({ br, gzip: gz }));
    // Awaited by the asset route; a failure surfaces there, not as an unhandled rejection at start-up.
    copies.catch(() => {});
    bestCopies.set(url, copies);
  }
  return copies;
}

export class Assets {
  private readonly byName = new Map<string, Asset>();
  private readonly byUrl = new Map<string, Asset>();

  constructor(dir = assetsDir) {
    for (const file of readdirSync(dir)) {
      if (file.endsWith(".test.ts")) continue;
      let ext = extname(file);
      let body: Buffer;
      let name = file;
      if (ext === ".ts") {
        const out = buildSync({
          entryPoints: [join(dir, file)],
          bundle: true,
          minify: true,
          format: "iife",
          target: "es2019",
          write: false,
        });
        body = Buffer.from(out.outputFiles[0]!.contents);
        ext = ".js";
        name = file.replace(/\.ts$/, ".js");
      } else if (ext === ".css" && /^@import\s/m.test(readFileSync(join(dir, file), "utf8"))) {
        // Images the imported CSS names are dropped (url() left empty): Leaflet's are the layer switcher's
        // and its default PNG marker, neither used (markers are HTML), and inlined they were a tenth of a
        // map page's weight budget. An image a page does need belongs in src/web/assets, hashed.
        const out = buildSync({
          entryPoints: [join(dir, file)],
          bundle: true,
          minify: true,
          loader: { ".png": "empty", ".svg": "empty" },
          write: false,
        });
        // An empty url() is no image, yet some browsers fetch the stylesheet's own address for it: say none.
        body = Buffer.from(
          Buffer.from(out.outputFiles[0]!.contents)
            .toString("utf8")
            .replaceAll(/background-image:url\(\)/g, "background-image:none"),
        );
      } else if (ext === ".css") {
        // Minified: comments and spaces were a quarter of app.css once compressed, on every first visit.
        body = Buffer.from(
          transformSync(readFileSync(join(dir, file), "utf8"), { loader: "css", minify: true }).code,
        );
      } else {
        body = readFileSync(join(dir, file));
      }
      const type = TYPES[ext];
      if (!type) continue;
      const digest = createHash("sha256").update(body).digest("hex").slice(0, 10);
      const url = `/assets/${name.slice(0, -ext.length)}.${digest}${ext}`;
      const compressed =
        /^text\/|\+xml/.test(type) && body.length >= COMPRESS_MIN_BYTES
          ? bestCompressed(url, body)
          : undefined;
      const asset = { url, body, type, compressed };
      this.byName.set(name, asset);
      this.byUrl.set(url, asset);
    }
  }

  /** The hashed URL of an asset by its source name, e.g. url("app.css"). */
  url(name: string): string {
    const asset = this.byName.get(name);
    if (!asset) throw new Error(`No asset named ${name}`);
    return asset.url;
  }

  byPath(path: string): Asset | undefined {
    return this.byUrl.get(path);
  }
}
