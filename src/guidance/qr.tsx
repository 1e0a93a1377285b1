// A QR code as inline SVG, drawn from the modules `qrcode` computes rather than from its SVG text: the page
// then holds only markup made here (one background rectangle, one path of dark runs), escaped like every
// other attribute, and nothing the library writes reaches the page as HTML.
import QRCode from "qrcode";

/** Modules of white border on each side: the quiet zone scanners need (4 in the QR specification). */
export const QUIET_ZONE = 4;

export interface QrDrawing {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** The dark modules as an SVG path: one `M x y h n v 1 h -n z` per horizontal run, in module units. */
  path: string;
}

/** The QR code of a text (error correction M: readable with 15 % of it smudged or folded). */
export function qrDrawing(text: string): QrDrawing {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const { size } = modules;
  const runs: string[] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && modules.get(row, col)) col++;
      const n = col - start;
      runs.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${n}v1h-${n}z`);
    }
  }
  return { size, path: runs.join("") };
}

/**
 * The QR code of `text` as an image named by `label` (read aloud in place of the pattern). Sized by CSS; the
 * colours are attributes, since the content security policy allows no inline style.
 */
export function QrCode({ text, label, class: className }: { text: string; label: string; class?: string }) {
  const { size, path } = qrDrawing(text);
  const side = size + 2 * QUIET_ZONE;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class={className}
      viewBox={`0 0 ${side} ${side}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
    >
      <rect width={String(side)} height={String(side)} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
