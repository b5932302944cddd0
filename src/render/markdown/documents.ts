import type { DatabaseObjectResponse } from '@notionhq/client';
import { stringify as toYaml } from 'yaml';
import { relativeHref, type PageLinks } from '../../links/link-index.js';
import { propertyValueToCsvCell } from '../csv.js';
import type { DatabaseRecord, PageEntry, PageRecord, PropertyValue } from '../../normalise/schemas.js';

/**
 * The Markdown documents of a snapshot around the rendered block bodies: a page's file
 * (frontmatter, title, cover, property table, body) and a database's overview (its rows as a
 * table linking to each row page). Pure: links come from the page's PageLinks.
 */
/**
 * Frontmatter form of a property value: JSON types stay JSON types (numbers as YAML numbers,
 * booleans as YAML booleans, for formulas and rollups too), lists stay lists, the rest reads as in the CSV.
 */
function frontmatterValue(v: PropertyValue, titleOf: (id: string) => string | null, rel: (path: string | null) => string | null): unknown {
  if ('unknown' in v) return v.raw ?? null;
  if ('redacted' in v) return null;
  switch (v.type) {
    case 'number':
    case 'checkbox':
      return v.value;
    case 'formula':
      return v.value.type === 'number' || v.value.type === 'boolean' || v.value.type === 'string' ? v.value.value : csvValue(v, titleOf);
    case 'rollup':
      if (v.value.type === 'number') return v.value.value;
      if (v.value.type === 'array') return v.value.value.map((item) => frontmatterValue(item, titleOf, rel));
      return csvValue(v, titleOf);
    case 'unique_id':
      // Without a prefix the id is a plain number.
      return v.value.prefix ? v.value.text : v.value.number;
    case 'multi_select':
      return v.value.map((o) => o.name);
    case 'people':
      return v.value.map((u) => u.name ?? u.id);
    case 'relation':
      return v.value.map((r) => titleOf(r.id) ?? r.id);
    case 'files':
      return v.value.map((f) => rel(f.path) ?? f.url ?? f.name);
    default:
      return csvValue(v, titleOf);
  }
}

function csvValue(v: PropertyValue, titleOf: (id: string) => string | null): string | null {
  const cell = propertyValueToCsvCell(v, { titleOf: (id) => titleOf(id) });
  return cell === '' ? null : cell;
}

/** Title first, then the other properties by name. */
export function orderedColumns(schema: Record<string, { type: string }>): string[] {
  const names = Object.keys(schema);
  const title = names.filter((n) => schema[n]!.type === 'title');
  return [...title, ...names.filter((n) => schema[n]!.type !== 'title').sort((a, b) => a.localeCompare(b))];
}

const escapeCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
/** Escapes text for one line of Markdown (titles may hold line breaks). */
const escapeInline = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/([\\`*_[\]<>#])/g, '\\$1');

/**
 * The properties a page's Markdown lists in its property table (and its frontmatter), in record
 * order: all but the title; a value redacted by the privacy rules is left out.
 */
export function shownProperties(properties: Record<string, PropertyValue>): Array<[string, PropertyValue]> {
  return Object.entries(properties).filter(([, v]) => v.type !== 'title' && !('redacted' in v));
}

/** A page's Markdown: YAML frontmatter, the title, the cover (line or note), the property table, then the body. */
export function pageDocument(entry: PageEntry, record: PageRecord, body: string, titleOf: (id: string) => string | null, links: PageLinks): string {
  const front: Record<string, unknown> = {
    id: entry.id,
    title: entry.title,
    url: entry.url,
    parent: entry.parentId,
    ...(entry.databaseId ? { database: entry.databaseId } : {}),
    created: entry.createdTime,
    lastEdited: entry.lastEditedTime,
    createdBy: record.authors.createdBy.name ?? record.authors.createdBy.id,
    lastEditedBy: record.authors.lastEditedBy.name ?? record.authors.lastEditedBy.id,
  };
  // Paths in frontmatter are relative to the Markdown file, like the links in its body.
  const rel = (path: string | null | undefined) => (path ? relativeHref(entry.path, path) : null);
  if (record.icon) {
    const icon = record.icon;
    front.icon = icon.type === 'emoji' ? icon.emoji : icon.type === 'icon' ? icon.name : (rel('path' in icon ? icon.path : null) ?? ('url' in icon ? icon.url : null));
  }
  const props = shownProperties(record.properties);
  if (props.length > 0) front.properties = Object.fromEntries(props.map(([k, v]) => [k, frontmatterValue(v, titleOf, rel)]));
  const parts = [`---\n${toYaml(front, { lineWidth: 0 }).trimEnd()}\n---`, `# ${escapeInline(entry.title || 'Untitled')}`];
  if (record.cover) {
    const src = record.cover.path ? relativeHref(entry.path, record.cover.path) : record.cover.type === 'external' ? record.cover.url : null;
    parts.push(src ? `![Cover](${src})` : `> ⚠️ Cover image not available: ${'error' in record.cover ? record.cover.error : 'not downloaded'}`);
  }
  if (props.length > 0) {
    const rows = props.map(([k, v]) => `| ${escapeCell(k)} | ${propertyCell(v, titleOf, links.fromFile, (r) => links.linkTo(r.id))} |`);
    parts.push(['| Property | Value |', '| --- | --- |', ...rows].join('\n'));
  }
  if (body.trim()) parts.push(body.trim());
  return `${parts.join('\n\n')}\n`;
}

/** Markdown (already escaped) made safe for one table cell: pipes escaped, line breaks as <br>. */
const markdownCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/**
 * A property value as one Markdown table cell: relations and files become links relative to the
 * file being written (`fromFile`); every other value is its CSV text, escaped. `relationHref` gives
 * the href of a related page, or null to keep its name as plain text.
 */
function propertyCell(v: PropertyValue, titleOf: (id: string) => string | null, fromFile: string | null, relationHref: (r: { id: string; path: string | null }) => string | null): string {
  if (!('unknown' in v) && !('redacted' in v)) {
    if (v.type === 'relation')
      return markdownCell(
        v.value
          .map((r) => {
            const name = escapeInline(titleOf(r.id) ?? r.id);
            const href = relationHref(r);
            return href === null ? name : `[${name}](${href})`;
          })
          .join(', '),
      );
    if (v.type === 'files')
      return markdownCell(
        v.value
          .map((f) => (f.path ? `[${escapeInline(f.name)}](${relativeHref(fromFile, f.path)})` : f.url ? `[${escapeInline(f.name)}](${f.url})` : `${escapeInline(f.name)} (not available: ${f.error ?? 'unknown'})`))
          .join(', '),
      );
  }
  return escapeCell(propertyValueToCsvCell(v, { titleOf: (id) => titleOf(id) }));
}

/** A database's Markdown overview: description, then per data source its rows as a table linking to each row page. */
export function databaseDocument(
  database: DatabaseObjectResponse,
  record: DatabaseRecord,
  sources: Array<{ name: string; schema: Record<string, { type: string }>; rows: Array<{ id: string; title: string; path: string; properties: Record<string, PropertyValue> }>; csv: string }>,
  links: PageLinks,
  titleOf: (id: string) => string | null,
): string {
  const front = { id: record.id, title: record.title, url: record.url, parent: record.parentId, type: 'database', created: record.createdTime, lastEdited: record.lastEditedTime };
  const parts = [`---\n${toYaml(front, { lineWidth: 0 }).trimEnd()}\n---`, `# ${escapeInline(record.title || 'Untitled')}`];
  if (record.description) parts.push(escapeInline(record.description));
  if (sources.length === 0) {
    parts.push(
      `> ⚠️ This is a linked view of another database. The Notion API gives no rows for a linked view; the database it shows is in this export under its own name if it is shared with the integration. [Open in Notion](${database.url})`,
    );
  }
  for (const s of sources) {
    if (sources.length > 1) parts.push(`## ${escapeInline(s.name || 'Untitled')}`);
    parts.push(`Data: [JSON](${relativeHref(links.fromFile, record.path)}) · [CSV](${relativeHref(links.fromFile, s.csv)}) · ${s.rows.length} rows`);
    const columns = orderedColumns(s.schema);
    const header = `| ${columns.map(escapeCell).join(' | ')} |`;
    const rule = `| ${columns.map(() => '---').join(' | ')} |`;
    const rows = s.rows.map((r) =>
      `| ${columns
        .map((c) => {
          const v = r.properties[c];
          if (!v) return '';
          if (v.type === 'title') return `[${markdownCell(escapeInline(r.title || 'Untitled'))}](${links.linkTo(r.id)})`;
          // Related rows link to their pages when exported (the path the row's record holds), else keep their name.
          return propertyCell(v, titleOf, links.fromFile, (rel) => (rel.path ? relativeHref(links.fromFile, rel.path) : null));
        })
        .join(' | ')} |`,
    );
    if (columns.length > 0) parts.push([header, rule, ...rows].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

