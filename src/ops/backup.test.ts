import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  DamagedArchiveError,
  entryTarget,
  libpqConnection,
  pickClient,
  readTar,
  type TarSource,
  tarStream,
} from "./backup.ts";

const MTIME = new Date("2026-11-26T10:00:00Z");

async function archive(sources: TarSource[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of tarStream(sources, MTIME)) parts.push(part);
  return Buffer.concat(parts);
}

/** The bytes in pieces of the given sizes, as a stream delivers them. */
async function* inPieces(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? bytes.length);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function entries(source: AsyncIterable<Buffer>) {
  const out: { name: string; type: string; data: Buffer }[] = [];
  for await (const e of readTar(source)) {
    const chunks: Buffer[] = [];
    for await (const c of e.body()) chunks.push(c);
    out.push({ name: e.name, type: e.type, data: Buffer.concat(chunks) });
  }
  return out;
}

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,40}$/).filter((s) => s !== "." && s !== "..");

describe("the backup archive (tar)", () => {
  it("gives back every file and directory, byte for byte, however the stream is cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            path: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join("/")),
            dir: fc.boolean(),
            data: fc.uint8Array({ maxLength: 2_000 }),
          }),
          { selector: (e) => e.path, maxLength: 12 },
        ),
        fc.array(fc.integer({ min: 1, max: 1_500 }), { minLength: 1, maxLength: 5 }),
        async (files, cuts) => {
          const sources: TarSource[] = files.map((f) =>
            f.dir ? { name: f.path, type: "dir" } : { name: f.path, type: "file", data: Buffer.from(f.data) },
          );
          const back = await entries(inPieces(await archive(sources), cuts));
          expect(back).toEqual(
            files.map((f) => ({
              name: f.path,
              type: f.dir ? "dir" : "file",
              data: f.dir ? Buffer.alloc(0) : Buffer.from(f.data),
            })),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps names up to 255 bytes (ustar's prefix field) and refuses longer ones", async () => {
    const long = `${"d".repeat(150)}/${"f".repeat(99)}`;
    const back = await entries(
      inPieces(await archive([{ name: long, type: "file", data: Buffer.from("x") }]), []),
    );
    expect(back.map((e) => e.name)).toEqual([long]);
    await expect(archive([{ name: "n".repeat(101), type: "file", data: Buffer.alloc(0) }])).rejects.toThrow(
      "too long",
    );
  });

  it("records sizes beyond 8 GiB (a large pg_dump) in base-256", async () => {
    const huge = 2 ** 34 + 5;
    const writer = tarStream(
      [{ name: "database.pgdump", type: "file", path: "/dev/null", size: huge }],
      MTIME,
    );
    const first = (await writer.next()).value as Buffer;
    const reader = readTar(inPieces(first, []));
    expect((await reader.next()).value).toMatchObject({ name: "database.pgdump", size: huge });
  });

  it("stops an archive whose file changes size while it is read", async () => {
    await expect(archive([{ name: "a", type: "file", path: "/dev/null", size: 10 }])).rejects.toThrow(
      "changed while it was being backed up",
    );
  });

  it("refuses a truncated archive, a corrupt header and a link", async () => {
    const bytes = await archive([{ name: "uploads/a.jpg", type: "file", data: Buffer.alloc(3_000, 7) }]);
    await expect(entries(inPieces(bytes.subarray(0, 2_000), []))).rejects.toThrow(DamagedArchiveError);
    const corrupt = Buffer.from(bytes);
    corrupt[10] = 0x41;
    await expect(entries(inPieces(corrupt, []))).rejects.toThrow("corrupt");
    const link = Buffer.from(bytes);
    // A symbolic link (type 2) with its checksum put right: such an entry is never written anywhere.
    link[156] = 0x32;
    link.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of link.subarray(0, 512)) sum += b;
    link.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
    await expect(entries(inPieces(link, []))).rejects.toThrow('type "2"');
  });

  it("is read by the system's tar", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekomuna-tar-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const gz = join(dir, "backup.tar.gz");
    writeFileSync(
      gz,
      gzipSync(
        await archive([
          { name: "uploads", type: "dir" },
          { name: "uploads/ab", type: "dir" },
          { name: "uploads/ab/c.jpg", type: "file", data: Buffer.from("jpeg bytes") },
        ]),
      ),
    );
    execFileSync("tar", ["-xzf", gz, "-C", dir]);
    expect(readFileSync(join(dir, "uploads/ab/c.jpg"), "utf8")).toBe("jpeg bytes");
  });
});

describe("entryTarget", () => {
  it("places a name under the root, and nothing that could leave it", () => {
    expect(entryTarget("/srv/uploads", "ab/c.jpg")).toBe("/srv/uploads/ab/c.jpg");
    for (const bad of ["../etc/passwd", "ab/../../x", "/etc/passwd", "ab//c", "./a", "a\\..\\b", "a\0b", ""])
      expect(entryTarget("/srv/uploads", bad), bad).toBeUndefined();
  });
});

describe("pickClient", () => {
  const found = [
    { path: "/usr/bin/pg_dump", major: 15 },
    { path: "/usr/lib/postgresql/17/bin/pg_dump", major: 17 },
  ];

  it("takes the newest client when it is at least the server's version", () => {
    expect(pickClient(found, 16)).toEqual({
      ok: true,
      path: "/usr/lib/postgresql/17/bin/pg_dump",
      major: 17,
    });
  });

  it("names the problem when no client is found or the newest is older than the server", () => {
    expect(pickClient([], 15)).toEqual({ ok: false, reason: "missing" });
    expect(pickClient(found, 18)).toEqual({ ok: false, reason: "too_old", newest: 17 });
  });
});

describe("libpqConnection", () => {
  it("keeps the password out of the command line", () => {
    const c = libpqConnection("postgres://ekomuna:s%40cret@db.example:5432/ekomuna?sslmode=require");
    expect(c.dbname).toBe("postgres://ekomuna@db.example:5432/ekomuna?sslmode=require");
    expect(c.env.PGPASSWORD).toBe("s@cret");
  });
});
