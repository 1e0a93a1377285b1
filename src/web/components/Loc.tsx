import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized, localizedLanguage } from "../../kernel/localized.ts";

/**
 * A stored multilingual text in the page's language, or the one localized() falls back to, marked with
 * that language for screen readers when it is not the page's.
 */
export function Loc({ text, lang }: { text: LocalizedText; lang: Language }) {
  const shown = localizedLanguage(text, lang);
  return (
    <span lang={shown === lang ? undefined : htmlLang(shown)} safe>
      {localized(text, lang)}
    </span>
  );
}
