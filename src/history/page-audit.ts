import { parse as parseYaml } from 'yaml';
import type { PageRecord } from '../normalise/schemas.js';

/**
 * Pure comparisons of one page's files in two snapshots, for the self-audit of a full run
 * (src/publish/self-audit.ts): which of the changes are values Notion changes without an edit
 * (formulas, rollups, comments), and whether anything else changed.
 */

const COMPUTED = new Set(['formula', 'rollup']);

/** A page's files as the audit reads them: its record and its Markdown. */
export interface PageFilesText {
  record: PageRecord;
  markdown: string;
}

/** Names of the formula and rollup properties whose values differ between two records of a page, sorted. */
export function computedChanges(before: PageRecord, after: PageRecord): string[] {
  const names = new Set([...computedNames(before), ...computedNames(after)]);
  return [...names].filter((n) => JSON.stringify(before.properties[n] ?? null) !== JSON.stringify(after.properties[n] ?? null)).sort();
}

/** True when the page's discussions (comments) differ between two records. */
export function commentsChanged(before: PageRecord, after: PageRecord): boolean {
  // Exported by one snapshot only (comments turned on or off): the setting changed, not the comments.
  if (before.discussions === undefined || after.discussions === undefined) return false;
  return JSON.stringify(before.discussions) !== JSON.stringify(after.discussions);
}

/**
 * True when two versions of a page's files are the same once formula and rollup values,
 * discussions and the digest (which covers them) are set aside: in the record, and in the
 * Markdown (the frontmatter's and the property table's values of those properties, and the
 * Discussion section at the end).
 */
export function sameApartFromComputed(before: PageFilesText, after: PageFilesText): boolean {
  const names = new Set([...computedNames(before.record), ...computedNames(after.record)]);
  return (
    JSON.stringify(recordWithout(before.record, names)) === JSON.stringify(recordWithout(after.record, names)) &&
    markdownWithout(before, names) === markdownWithout(after, names)
  );
}

function computedNames(record: PageRecord): string[] {
  return Object.entries(record.properties)
    .filter(([, v]) => COMPUTED.has(v.type))
    .map(([name]) => name);
}

function recordWithout(record: PageRecord, names: ReadonlySet<string>): unknown {
  const { digest: _digest, discussions: _discussions, properties, ...rest } = record;
  return { ...rest, properties: Object.fromEntries(Object.entries(properties).filter(([name]) => !names.has(name))) };
}

/** As src/render/markdown/documents.ts escapes a property name in the property table. */
const escapeCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/**
 * A page's Markdown less what formula and rollup values and comments put into it: their entries
 * in the frontmatter (compared as parsed YAML), their rows of the property table, and the
 * Discussion section (always last, its lines quoted: no line of it starts with `## `).
 */
function markdownWithout(files: PageFilesText, names: ReadonlySet<string>): string {
  let text = files.markdown;
  if ((files.record.discussions?.length ?? 0) > 0) {
    const at = text.lastIndexOf('\n\n## Discussion\n\n');
    if (at !== -1) text = `${text.slice(0, at)}\n`;
  }
  const front = /^---\n([\s\S]*?)\n---\n/.exec(text);
  let frontmatter: unknown = null;
  if (front) {
    try {
      frontmatter = parseYaml(front[1]!);
    } catch {
      frontmatter = front[1];
    }
    const props = (frontmatter as { properties?: Record<string, unknown> } | null)?.properties;
    if (props && typeof props === 'object') for (const n of names) delete props[n];
    text = text.slice(front[0].length);
  }
  const parts = text.split('\n\n');
  const table = parts.findIndex((p) => p.startsWith('| Property | Value |\n'));
  if (table !== -1) {
    const rows = [...names].map((n) => `| ${escapeCell(n)} | `);
    parts[table] = parts[table]!
      .split('\n')
      .filter((line) => !rows.some((r) => line.startsWith(r)))
      .join('\n');
  }
  return JSON.stringify([frontmatter, parts]);
}
