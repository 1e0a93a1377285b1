// The leaflet's QR code is drawn here from the modules `qrcode` computes: the drawing must hold exactly the
// dark modules of the text's code, inside the quiet zone, as runs of one path.
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { QrCode, QUIET_ZONE, qrDrawing } from "./qr.tsx";

/** The dark modules a drawing's path covers, as "row,col". */
function darkOf(path: string): Set<string> {
  const dark = new Set<string>();
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let i = 0; i < Number(m[3]); i++)
      dark.add(`${Number(m[2]) - QUIET_ZONE},${Number(m[1]) + i - QUIET_ZONE}`);
  }
  return dark;
}

describe("qrDrawing", () => {
  it("draws exactly the dark modules of the text's QR code, as horizontal runs", () => {
    for (const text of ["https://komuna.example.org/m/prishtine", "http://127.0.0.1:3000/m/fushe-kosove"]) {
      const { size, path } = qrDrawing(text);
      const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
      expect(size).toBe(modules.size);
      const expected = new Set<string>();
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) if (modules.get(r, c)) expected.add(`${r},${c}`);
      expect(darkOf(path)).toEqual(expected);
      expect(path.replace(/M(\d+) (\d+)h(\d+)v1h-\3z/g, "")).toBe("");
    }
  });

  it("renders an image named by its label, with the quiet zone around the code, and nothing else", async () => {
    const svg = await QrCode({ text: "https://x.example/m/a", label: 'Code of "a"' });
    const { size } = qrDrawing("https://x.example/m/a");
    expect(svg).toContain(`viewBox="0 0 ${size + 2 * QUIET_ZONE} ${size + 2 * QUIET_ZONE}"`);
    expect(svg).toContain('role="img" aria-label="Code of &#34;a&#34;"');
    expect([...svg.matchAll(/<(\w+)/g)].map((m) => m[1])).toEqual(["svg", "rect", "path"]);
  });
});
