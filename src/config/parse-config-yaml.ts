// YAML text → plain value, with syntax problems as `line L, column C: problem`
// issues. Validation against the schema happens later, in resolveConfig.
import { parseDocument } from 'yaml';

/** The outcome of reading config YAML: the plain value, or the syntax problems found. */
export type ParsedConfigYaml =
  | { readonly ok: true; readonly value: unknown; readonly warnings: string[] }
  | { readonly ok: false; readonly issues: string[] };

/** Parses config YAML text; an empty or comment-only document is `{}`. Pure: never throws. */
export function parseConfigYaml(text: string): ParsedConfigYaml {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const describe = (error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }) => {
    // prettyErrors appends " at line L, column C:" and a source excerpt; we lead with the position instead.
    const problem = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const pos = error.linePos?.[0];
    return pos === undefined ? `not valid YAML: ${problem}` : `line ${pos.line}, column ${pos.col}: not valid YAML: ${problem}`;
  };
  if (doc.errors.length > 0) return { ok: false, issues: doc.errors.map(describe) };
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // Unresolved aliases and similar only surface while building the value.
    return { ok: false, issues: [`YAML error: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return { ok: true, value: value ?? {}, warnings: doc.warnings.map(describe) };
}
