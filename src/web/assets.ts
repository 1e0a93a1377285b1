// Static assets under src/web/assets are served with a content hash in their name
// (/assets/app.3f9c1a2b.css) and cached for a year: a change gets a new name, so no stale copies.
// Scripts (.ts) are bundled and minified by esbuild at start-up, and so are stylesheets that @import
// others (vendor CSS from node_modules, its images inlined); everything is kept in memory.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

export interface Asset {
  url: string;
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

export const assetsDir = fileURLToPath(new URL("./assets", import.meta.url));

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
        // Images the imported CSS names become data: URLs: no paths into node_modules to serve.
        const out = buildSync({
          entryPoints: [join(dir, file)],
          bundle: true,
          minify: true,
          loader: { ".png": "dataurl", ".svg": "dataurl" },
          write: false,
        });
        body = Buffer.from(out.outputFiles[0]!.contents);
      } else {
        body = readFileSync(join(dir, file));
      }
      const type = TYPES[ext];
      if (!type) continue;
      const digest = createHash("sha256").update(body).digest("hex").slice(0, 10);
      const url = `/assets/${name.slice(0, -ext.length)}.${digest}${ext}`;
      const asset = { url, body, type };
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
