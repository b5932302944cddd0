/** What a matched text pattern is replaced by. */
export const REDACTED_TEXT = '[redacted]';

/** The expressions behind the named patterns of `privacy.redactTextPatterns`. */
const NAMED: Record<string, RegExp> = {
  // local@domain.tld (also inside mailto: links).
  email: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu,
  // International (+49 30 1234567, +1 (555) 123-4567) or national with a leading 0 (030 1234 5678,
  // (0)30-123456): at least 7 digits, so dates and years are left alone.
  phone: /(?<![\p{L}\p{N}])(?:\+\d{1,3}|\(0\d{0,4}\)|0\d{1,4})(?:[ .\-/]?(?:\(\d{1,4}\)|\d+)){1,6}(?![\p{L}\p{N}])/gu,
  url: /\bhttps?:\/\/[^\s<>"')\]]+/giu,
};

/** Digits a phone match must have (a short number like "0 12" is not one). */
const PHONE_MIN_DIGITS = 7;

export interface TextRedactor {
  /** Any pattern configured. */
  readonly any: boolean;
  /** The text with every match replaced by "[redacted]". */
  redact(text: string): string;
  /** A link target that holds a match (mailto:, tel:); the `url` pattern does not count here: it is about URLs written as text. */
  inLink(url: string): boolean;
}

/** Builds the redactor of `privacy.redactTextPatterns` (validated by the config schema). */
export function compileTextPatterns(patterns: ReadonlyArray<string | { regex: string }>): TextRedactor {
  const list = patterns.map((p) => (typeof p === 'string' ? { name: p, re: NAMED[p]! } : { name: 'regex', re: new RegExp(p.regex, 'gu') }));
  const replaceAll = (text: string, which: typeof list): string => {
    let out = text;
    for (const { name, re } of which) {
      re.lastIndex = 0;
      out = out.replace(re, (m) => (name === 'phone' && (m.match(/\d/g)?.length ?? 0) < PHONE_MIN_DIGITS ? m : REDACTED_TEXT));
    }
    return out;
  };
  const forLinks = list.filter((p) => p.name !== 'url');
  return {
    any: list.length > 0,
    redact: (text) => (list.length === 0 || text === '' ? text : replaceAll(text, list)),
    inLink: (url) => {
      let decoded = url;
      try {
        decoded = decodeURIComponent(url);
      } catch {
        // keep it as written
      }
      return forLinks.length > 0 && replaceAll(decoded, forLinks) !== decoded;
    },
  };
}
