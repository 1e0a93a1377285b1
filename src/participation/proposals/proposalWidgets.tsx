// The support bar the proposal pages share (the form fields are src/web/forms.tsx's).
import type { PageContext } from "../../web/context.ts";

/** The support count against the threshold: a bar for the eye, the numbers as text for everyone. */
export function SupportBar(p: { ctx: PageContext; id: string; count: number; threshold: number }) {
  const { t } = p.ctx;
  return (
    <div class="proposal-support">
      <p id={`${p.id}-text`} data-support-count aria-live="polite" safe>
        {t("proposals.support.count", { count: p.count, threshold: p.threshold })}
      </p>
      <progress
        max={String(p.threshold)}
        value={String(Math.min(p.count, p.threshold))}
        aria-labelledby={`${p.id}-text`}
        safe
      >
        {`${p.count} / ${p.threshold}`}
      </progress>
    </div>
  );
}
