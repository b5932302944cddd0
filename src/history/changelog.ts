// Pure: changes.json → CHANGELOG.md (in the snapshot) and the `notion-kb diff` summary.
import { relativeHref } from '../links/link-index.js';
import type { Change, Changes } from '../normalise/schemas.js';

const SECTIONS = [
  ['added', 'Added'],
  ['updated', 'Updated'],
  ['moved', 'Moved'],
  ['renamed', 'Renamed'],
  ['removed', 'Removed'],
] as const;

/** Markdown text: brackets and backslashes escaped so a title stays one link text. */
const escapeText = (s: string) => (s.trim() === '' ? 'Untitled' : s).replace(/([\\[\]*_`<>])/g, '\\$1');
const kindLabel = (c: Change) => (c.kind === 'database' ? ' (database)' : '');

function countLine(c: Changes): string {
  const parts = SECTIONS.map(([key, label]) => `${c.counts[key]} ${label.toLowerCase()}`);
  return parts.join(', ');
}

function changelogLine(c: Change, section: (typeof SECTIONS)[number][0]): string {
  const link = (path: string) => relativeHref('CHANGELOG.md', path);
  // A removed page's file is not in this snapshot: its old path is shown, not linked.
  if (section === 'removed' || c.path === null) return `- ${escapeText(c.title)}${kindLabel(c)}: was \`${c.oldPath}\``;
  const head = `- [${escapeText(c.title)}](${link(c.path)})${kindLabel(c)}`;
  if (section === 'moved') return `${head}: moved from \`${c.oldPath}\``;
  if (section === 'renamed') return `${head}: renamed from “${escapeText(c.oldTitle ?? '')}”`;
  return head;
}

/** CHANGELOG.md of a snapshot: the counts, then one list per kind of change, links relative to the snapshot root. */
export function renderChangelog(c: Changes): string {
  return [...changelogChunks(c)].join('');
}

/** renderChangelog's text a line at a time (a first snapshot of a large wiki lists every page). */
export function* changelogChunks(c: Changes): Generator<string> {
  yield `# Changes in snapshot ${c.to}\n\n`;
  yield `${c.from === null ? 'The first snapshot of this archive: everything is new.' : `Compared with the previous snapshot, ${c.from}.`}\n\n`;
  yield `Pages and databases: ${countLine(c)}.\n`;
  for (const [key, label] of SECTIONS) {
    if (c[key].length === 0) continue;
    yield `\n## ${label} (${c[key].length})\n\n`;
    for (const change of c[key]) yield `${changelogLine(change, key)}\n`;
  }
  if (SECTIONS.every(([key]) => c[key].length === 0)) yield '\nNothing changed.\n';
}

/** The plain-text summary `notion-kb diff` prints. */
export function formatChangesText(c: Changes): string {
  const lines = [`${c.from ?? '(nothing)'} → ${c.to}: ${countLine(c)}`];
  for (const [key, label] of SECTIONS) {
    if (c[key].length === 0) continue;
    lines.push('', `${label}:`);
    for (const x of c[key]) {
      const kind = x.kind === 'database' ? ' [database]' : '';
      if (key === 'added') lines.push(`  + ${x.title}${kind}  ${x.path}`);
      else if (key === 'removed') lines.push(`  - ${x.title}${kind}  ${x.oldPath}`);
      else if (key === 'moved') lines.push(`  ${x.title}${kind}  ${x.oldPath} → ${x.path}`);
      else if (key === 'renamed') lines.push(`  ${x.oldTitle} → ${x.title}${kind}  ${x.path}`);
      else lines.push(`  ${x.title}${kind}  ${x.path}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
