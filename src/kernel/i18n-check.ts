// The language check CI runs (src/kernel/catalogs.test.ts, docs/LANGUAGES.md): every catalog has every
// key with the plural forms its language needs, no catalog key is left unused, and no page writes words
// of its own. Static analysis with the TypeScript compiler (its scanner for keys in every file, its parser
// for the .tsx pages): approximate by design, its gaps closed by the commented allowlists in the test.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

/** A plural suffix i18next adds to a key (the CLDR categories). */
export const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** A catalog's leaves as key → text, keys dotted ("home.title", "home.count_one"). */
export function leaves(catalog: Record<string, unknown>, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") {
      for (const [kk, vv] of leaves(v as Record<string, unknown>, path)) out.set(kk, vv);
    } else out.set(path, String(v));
  }
  return out;
}

/**
 * A catalog's keys with plural forms folded: base key → the plural categories it has ([] if none). A
 * suffix is a plural form only beside an `_other` form, as i18next reads them: "too_many" alone is a key.
 */
export function foldedKeys(catalog: Record<string, unknown>): Map<string, string[]> {
  const all = [...leaves(catalog).keys()];
  const counted = new Set(all.filter((k) => k.endsWith("_other")).map((k) => k.slice(0, -"_other".length)));
  const out = new Map<string, string[]>();
  for (const key of all) {
    const m = PLURAL_SUFFIX.exec(key);
    const base = m && counted.has(key.slice(0, m.index)) ? key.slice(0, m.index) : key;
    const forms = out.get(base) ?? [];
    if (base !== key) forms.push(m![1]!);
    out.set(base, forms);
  }
  return out;
}

/** The plural categories a language's cardinal numbers need (CLDR through Intl): sr, bs one/few/other. */
export function pluralCategories(lang: string): string[] {
  return [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort();
}

export interface SourceFile {
  /** Path relative to the scanned root's parent, e.g. "src/web/layout.tsx". */
  path: string;
  text: string;
}

/** Every .ts and .tsx file under a directory, tests and declaration files aside. */
export function readSources(dir: string, root = join(dir, "..")): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...readSources(full, root));
    else if (/\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name))
      out.push({ path: relative(root, full), text: readFileSync(full, "utf8") });
  }
  return out;
}

/** A .tsx file's syntax tree: without JSDoc or parent links, a third less parsing, neither needed here. */
function parse(file: SourceFile): ts.SourceFile {
  return ts.createSourceFile(
    file.path,
    file.text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
    ts.ScriptKind.TSX,
  );
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A template literal: its head, then per substitution the name it is (when a lone name) and the text after. */
interface Template {
  head: string;
  spans: { name: string | undefined; text: string }[];
  /** Alone as an argument of a call: `doneNotice(req, `${K}.done`)`. */
  argument?: boolean;
}

/** A template as fixed texts between substitutions; `undefined` stands for an unknown value. */
type Parts = (string | undefined)[];

/** What a name in a template may stand for: its known values, or undefined when unknown. */
type Lookup = (name: string) => ReadonlySet<string> | undefined;

/**
 * The ways a template may read: a `${NAME}` takes each known value of NAME, any other substitution is
 * unknown. Past 64 combinations a substitution counts as unknown instead.
 */
function expand(tpl: Template, lookup: Lookup): Parts[] {
  let variants: Parts[] = [[tpl.head]];
  for (const span of tpl.spans) {
    const known = span.name === undefined ? undefined : lookup(span.name);
    const options: (string | undefined)[] =
      known && known.size > 0 && known.size * variants.length <= 64 ? [...known] : [undefined];
    variants = variants.flatMap((v) => options.map((o) => [...v, o, span.text]));
  }
  // Join neighbouring fixed texts, so the parts alternate: text, unknown, text…
  return variants.map((v) => {
    const out: Parts = [""];
    for (const part of v) {
      if (part === undefined) out.push(undefined, "");
      else out[out.length - 1] += part;
    }
    return out;
  });
}

/** What one file says about names: its string literals, templates, constants and imports. */
interface FileNames {
  literals: string[];
  /** Literals alone as an argument of a call (a namespace handed to a helper that adds the rest). */
  arguments: string[];
  templates: Template[];
  /** const NAME = "text" (or a template of names, once resolved): the values NAME may have. */
  consts: Map<string, Set<string>>;
  constTemplates: [string, Template][];
  /** import { NAME as LOCAL } from "./x.ts": LOCAL → the file and NAME. */
  imports: Map<string, { from: string; name: string }>;
}

const K = ts.SyntaxKind;
/** Tokens after which a slash divides; after anything else it opens a regular expression. */
const ENDS_EXPRESSION = new Set([
  K.Identifier,
  K.NumericLiteral,
  K.BigIntLiteral,
  K.StringLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateTail,
  K.RegularExpressionLiteral,
  K.CloseParenToken,
  K.CloseBracketToken,
  K.CloseBraceToken,
  K.PlusPlusToken,
  K.MinusMinusToken,
  K.ThisKeyword,
  K.SuperKeyword,
  K.TrueKeyword,
  K.FalseKeyword,
  K.NullKeyword,
  // `</p>`: a JSX closing tag, not a regular expression.
  K.LessThanToken,
]);
/** A name, keywords included (`type`, `from` are names where they stand). */
const isName = (kind: ts.SyntaxKind) =>
  kind === K.Identifier || (kind >= K.FirstKeyword && kind <= K.LastKeyword);
const OPENS_ARGUMENT = new Set([K.OpenParenToken, K.CommaToken]);
const CLOSES_ARGUMENT = new Set([K.CloseParenToken, K.CommaToken]);
const TERMINATES = new Set([
  K.SemicolonToken,
  K.CommaToken,
  K.CloseParenToken,
  K.CloseBraceToken,
  K.EndOfFileToken,
]);

/**
 * The names a file holds, read with the TypeScript scanner (tokens only: a tenth of a full parse, which
 * is what keeps the check under a few seconds). Templates are followed through their substitutions.
 */
function scanNames(file: SourceFile): FileNames {
  const out: FileNames = {
    literals: [],
    arguments: [],
    templates: [],
    consts: new Map(),
    constTemplates: [],
    imports: new Map(),
  };
  const variant = file.path.endsWith(".tsx") ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, variant, file.text);
  const ends = () =>
    scanner.lookAhead(() => {
      const next = scanner.scan();
      return TERMINATES.has(next) || scanner.hasPrecedingLineBreak();
    });
  const closesArgument = () => scanner.lookAhead(() => CLOSES_ARGUMENT.has(scanner.scan()));
  // Templates being read, innermost last, with the braces open in the current substitution.
  const open: {
    tpl: Template;
    depth: number;
    tokens: number;
    name?: string;
    constName?: string;
    afterOpen: boolean;
  }[] = [];
  let constTemplate: string | undefined;
  let prev: ts.SyntaxKind = K.Unknown;
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; prev = kind, kind = scanner.scan()) {
    const inner = open.at(-1);
    if (inner) {
      if (kind === K.OpenBraceToken) inner.depth++;
      else if (kind === K.CloseBraceToken && inner.depth > 0) inner.depth--;
      else if (kind === K.CloseBraceToken) {
        kind = scanner.reScanTemplateToken(false);
        inner.tpl.spans.push({
          name: inner.tokens === 1 ? inner.name : undefined,
          text: scanner.getTokenValue(),
        });
        inner.tokens = 0;
        inner.name = undefined;
        if (kind === K.TemplateTail) {
          open.pop();
          if (inner.afterOpen && closesArgument()) inner.tpl.argument = true;
          out.templates.push(inner.tpl);
          if (inner.constName && ends()) out.constTemplates.push([inner.constName, inner.tpl]);
        }
        continue;
      }
      inner.tokens++;
      inner.name = isName(kind) ? scanner.getTokenText() : undefined;
    }
    switch (kind) {
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
        out.literals.push(scanner.getTokenValue());
        if (OPENS_ARGUMENT.has(prev) && closesArgument()) out.arguments.push(scanner.getTokenValue());
        break;
      case K.TemplateHead:
        open.push({
          tpl: { head: scanner.getTokenValue(), spans: [] },
          depth: 0,
          tokens: 0,
          constName: constTemplate,
          afterOpen: OPENS_ARGUMENT.has(prev),
        });
        constTemplate = undefined;
        break;
      case K.SlashToken:
      case K.SlashEqualsToken:
        if (!ENDS_EXPRESSION.has(prev)) kind = scanner.reScanSlashToken();
        break;
      case K.ConstKeyword: {
        // const NAME = "text" | `template`, looked at without moving on.
        const found = scanner.lookAhead(() => {
          if (!isName(scanner.scan())) return undefined;
          const name = scanner.getTokenText();
          if (scanner.scan() !== K.EqualsToken) return undefined;
          const init = scanner.scan();
          if (init === K.TemplateHead) return { name, template: true };
          if (init !== K.StringLiteral && init !== K.NoSubstitutionTemplateLiteral) return undefined;
          const value = scanner.getTokenValue();
          return ends() ? { name, value } : undefined;
        });
        if (found?.template) constTemplate = found.name;
        else if (found?.value !== undefined) {
          const values = out.consts.get(found.name) ?? new Set();
          values.add(found.value);
          out.consts.set(found.name, values);
        }
        break;
      }
      case K.ImportKeyword:
        // import [type] { A, B as C } from "./x.ts"
        scanner.lookAhead(() => {
          let next = scanner.scan();
          if (next === K.TypeKeyword) next = scanner.scan();
          if (next !== K.OpenBraceToken) return;
          const names: [string, string][] = [];
          for (next = scanner.scan(); next !== K.CloseBraceToken; next = scanner.scan()) {
            if (next === K.CommaToken) continue;
            if (!isName(next)) return;
            let name = scanner.getTokenText();
            if (name === "type" && isName(scanner.lookAhead(() => scanner.scan()))) {
              scanner.scan();
              name = scanner.getTokenText();
            }
            let local = name;
            if (scanner.lookAhead(() => scanner.scan()) === K.AsKeyword) {
              scanner.scan();
              scanner.scan();
              local = scanner.getTokenText();
            }
            names.push([local, name]);
          }
          if (scanner.scan() !== K.FromKeyword || scanner.scan() !== K.StringLiteral) return;
          const specifier = scanner.getTokenValue();
          if (!specifier.startsWith(".")) return;
          const from = join(dirname(file.path), specifier);
          for (const [local, name] of names) out.imports.set(local, { from, name });
        });
        break;
    }
  }
  return out;
}

/** How the source names keys: exact texts, and patterns (template literals with unknown parts). */
export interface KeyReferences {
  literals: Set<string>;
  /** Dotted texts handed alone to a call: every key under them counts as named. */
  namespaces: Set<string>;
  patterns: { prefix: string; regex: RegExp }[];
}

/**
 * How the source names catalog keys: every string literal (a key called, or passed around as a value:
 * `{ error: "validation.language.invalid" }`), and every template literal, where `${K}` takes the
 * value(s) of a `const K = "…"` (or of a template of such names) in the file or imported from another,
 * and any other substitution stands for any text: `status.${s}` names every key under "status.".
 * Templates with no letters in their fixed text (`${a}.${b}`) say nothing and are ignored.
 */
export function keyReferences(files: readonly SourceFile[]): KeyReferences {
  const names = new Map(files.map((f) => [f.path, scanNames(f)]));
  const lookupIn =
    (path: string, depth = 0): Lookup =>
    (name) => {
      const own = names.get(path);
      const local = own?.consts.get(name);
      if (local || depth > 8) return local;
      const imported = own?.imports.get(name);
      return imported ? lookupIn(imported.from, depth + 1)(imported.name) : undefined;
    };
  // Templates of names (`const E = `${K}.errors``) become names too, until nothing more resolves.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [path, own] of names) {
      for (const [name, tpl] of own.constTemplates) {
        const values = own.consts.get(name) ?? new Set();
        for (const parts of expand(tpl, lookupIn(path))) {
          if (parts.length !== 1 || values.has(parts[0]!)) continue;
          values.add(parts[0]!);
          changed = true;
        }
        if (values.size > 0) own.consts.set(name, values);
      }
    }
  }
  const literals = new Set<string>();
  const namespaces = new Set<string>();
  const patterns = new Map<string, { prefix: string; regex: RegExp }>();
  // A namespace needs a dot: a lone word handed to a call ("status") is rarely a catalog namespace.
  const addNamespace = (text: string) => {
    if (/^[\w-]+(\.[\w-]+)+$/.test(text)) namespaces.add(text);
  };
  for (const [path, own] of names) {
    for (const l of own.literals) literals.add(l);
    for (const a of own.arguments) addNamespace(a);
    const lookup = lookupIn(path);
    for (const tpl of own.templates) {
      for (const parts of expand(tpl, lookup)) {
        if (!parts.some((p) => p !== undefined && /[A-Za-z]/.test(p))) continue;
        if (parts.length === 1) {
          literals.add(parts[0]!);
          if (tpl.argument) addNamespace(parts[0]!);
          continue;
        }
        const source = `^${parts.map((p) => (p === undefined ? ".+" : escapeRegExp(p))).join("")}$`;
        if (!patterns.has(source)) patterns.set(source, { prefix: parts[0]!, regex: new RegExp(source) });
      }
    }
  }
  return { literals, namespaces, patterns: [...patterns.values()] };
}

/**
 * The keys (plural forms folded) no source names, in catalog order. `allowed` lists keys used in ways the
 * scan cannot see: a key, or "prefix.*" for every key under it.
 */
export function unusedKeys(
  keys: Iterable<string>,
  refs: KeyReferences,
  allowed: readonly string[] = [],
): string[] {
  const exact = new Set(allowed.filter((a) => !a.endsWith(".*")));
  const prefixes = allowed.filter((a) => a.endsWith(".*")).map((a) => a.slice(0, -1));
  const under = (key: string) => {
    for (let dot = key.lastIndexOf("."); dot > 0; dot = key.lastIndexOf(".", dot - 1))
      if (refs.namespaces.has(key.slice(0, dot))) return true;
    return false;
  };
  const candidates = [...keys].filter(
    (key) =>
      !refs.literals.has(key) && !exact.has(key) && !prefixes.some((p) => key.startsWith(p)) && !under(key),
  );
  // Each pattern is tried only on the keys that start with its fixed beginning.
  const sorted = [...candidates].sort();
  const used = new Set<string>();
  for (const { prefix, regex } of refs.patterns) {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++)
      if (regex.test(sorted[i]!)) used.add(sorted[i]!);
  }
  return candidates.filter((key) => !used.has(key));
}

/** Attributes whose value a person reads or hears. */
const SPOKEN_ATTRIBUTES = new Set([
  "title",
  "alt",
  "aria-label",
  "aria-description",
  "aria-roledescription",
  "aria-valuetext",
  "placeholder",
  "label",
  // The shared form parts' props (src/web/forms.tsx) that end up on the page as text.
  "hint",
  "legend",
  "caption",
  "none",
]);

export interface HardCodedString {
  /** file:line */
  at: string;
  text: string;
}

/** Text in an expression that ends up on the page as it is: literals, through ?:, ?? and ||. */
function literalTexts(e: ts.Expression): { node: ts.Node; text: string }[] {
  if (ts.isParenthesizedExpression(e)) return literalTexts(e.expression);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [{ node: e, text: e.text }];
  if (ts.isTemplateExpression(e))
    return [{ node: e, text: [e.head.text, ...e.templateSpans.map((s) => s.literal.text)].join(" ") }];
  if (ts.isConditionalExpression(e)) return [...literalTexts(e.whenTrue), ...literalTexts(e.whenFalse)];
  if (
    ts.isBinaryExpression(e) &&
    (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
      e.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  )
    return [...literalTexts(e.left), ...literalTexts(e.right)];
  return [];
}

const attributeName = (a: ts.JsxAttribute) => (ts.isIdentifier(a.name) ? a.name.text : a.name.getText());

/**
 * Words a .tsx file writes itself instead of taking them from the catalogs: JSX text with a letter, text
 * literals among JSX children, and literal values of attributes people read (title, alt, aria-label,
 * placeholder, label…, and the value of a submit or button input). `isAllowed(text, path)` passes what
 * is not language: codes, symbols, the brand's name.
 */
export function hardCodedStrings(
  files: readonly SourceFile[],
  isAllowed: (text: string, path: string) => boolean,
): HardCodedString[] {
  const found: HardCodedString[] = [];
  for (const file of files) {
    if (!file.path.endsWith(".tsx")) continue;
    const sf = parse(file);
    const report = (node: ts.Node, text: string) => {
      const clean = text.replace(/\s+/g, " ").trim();
      if (!/\p{L}/u.test(clean) || isAllowed(clean, file.path)) return;
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      found.push({ at: `${file.path}:${line}`, text: clean });
    };
    walk(sf, (n) => {
      if (ts.isJsxElement(n) || ts.isJsxFragment(n)) {
        for (const child of n.children) {
          if (ts.isJsxText(child)) report(child, child.text);
          else if (ts.isJsxExpression(child) && child.expression)
            for (const l of literalTexts(child.expression)) report(l.node, l.text);
        }
      } else if (ts.isJsxOpeningElement(n) || ts.isJsxSelfClosingElement(n)) {
        const attributes = n.attributes.properties.filter(ts.isJsxAttribute);
        const type = attributes.find((a) => attributeName(a) === "type")?.initializer;
        const isButton =
          n.tagName.getText(sf) === "input" &&
          type !== undefined &&
          ts.isStringLiteral(type) &&
          ["submit", "button", "reset"].includes(type.text);
        for (const a of attributes) {
          const name = attributeName(a);
          if (!a.initializer || !(SPOKEN_ATTRIBUTES.has(name) || (isButton && name === "value"))) continue;
          if (ts.isStringLiteral(a.initializer)) report(a.initializer, a.initializer.text);
          else if (ts.isJsxExpression(a.initializer) && a.initializer.expression)
            for (const l of literalTexts(a.initializer.expression)) report(l.node, l.text);
        }
      }
    });
  }
  return found;
}
