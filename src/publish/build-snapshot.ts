import type { UserObjectResponse } from '@notionhq/client';
import type { AssetOutcome } from '../assets/asset-collector.js';
import { assetKeys } from '../assets/asset-keys.js';
import { LinkIndex, PageLinks, relativeHref, type UnresolvedLink } from '../links/link-index.js';
import { propertyValueToCsvCell, toCsv } from '../normalise/csv.js';
import { normaliseDataSourceSchema } from '../normalise/normalise-data-source.js';
import { normaliseProperties } from '../normalise/normalise-property.js';
import { richTextToPlain } from '../normalise/rich-text-to-markdown.js';
import { isoTimestamp } from '../normalise/timestamp.js';
import type {
  AssetRef,
  Cover,
  DatabaseEntry,
  DatabaseRecord,
  FileValue,
  Icon,
  Index,
  PageEntry,
  PageRecord,
  PropertyValue,
  UserRef,
} from '../normalise/schemas.js';
import { headingAnchorsOf } from '../render/markdown/collect-headings.js';
import { databaseDocument, orderedColumns, pageDocument } from '../render/markdown/documents.js';
import { renderBlocks, type RenderContext } from '../render/markdown/render-blocks.js';
import type { BlockNode } from '../source/block-tree.js';
import type { CrawlIssue, CrawlResult } from '../source/crawl-types.js';
import { blockFileRefs, pageFileRefs } from '../source/file-refs.js';
import { databaseTitle, pageTitle, type PathPlan } from './plan-paths.js';

/** Everything a snapshot holds besides assets, as file contents keyed by snapshot-relative path. */
export interface SnapshotContent {
  files: Map<string, string>;
  index: Index;
  warnings: CrawlIssue[];
  unrendered: Array<{ pageId: string; blockId: string; type: string; reason: string }>;
  unresolvedLinks: UnresolvedLink[];
  assetFailures: Array<{ pageId: string; blockId?: string; key: string; reason: string }>;
  counts: { pages: number; databases: number; dataSources: number; rows: number; blocks: number };
}

/** Canonical JSON: two-space indent, trailing newline; key order is the order objects are built in. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function walk(blocks: BlockNode[], visit: (b: BlockNode) => void): void {
  for (const b of blocks) {
    visit(b);
    walk(b.children, visit);
  }
}

/** Plain text of a block tree, one line per block, for search indexes. */
export function plainTextOf(blocks: BlockNode[]): string {
  const lines: string[] = [];
  walk(blocks, (b) => {
    const payload = (b as unknown as Record<string, Record<string, unknown>>)[b.type] ?? {};
    const parts: string[] = [];
    if (Array.isArray(payload.rich_text)) parts.push(richTextToPlain(payload.rich_text as never));
    if (Array.isArray(payload.cells)) parts.push((payload.cells as unknown[][]).map((c) => richTextToPlain(c as never)).join(' | '));
    if (typeof payload.title === 'string') parts.push(payload.title);
    if (typeof payload.expression === 'string') parts.push(payload.expression);
    if (Array.isArray(payload.caption)) parts.push(richTextToPlain(payload.caption as never));
    const line = parts.filter(Boolean).join(' ');
    if (line) lines.push(line);
  });
  return lines.join('\n');
}

function userRef(id: string, users: Map<string, UserObjectResponse>): UserRef {
  const u = users.get(id);
  if (!u) return { id, name: null, type: null };
  const email = u.type === 'person' ? (u.person?.email ?? null) : undefined;
  return { id, name: u.name ?? null, type: u.type, ...(email !== undefined ? { email } : {}) };
}

export interface BuildSnapshotInput {
  crawl: CrawlResult;
  plan: PathPlan;
  assets: Map<string, AssetOutcome>;
  snapshotId: string;
  createdAt: string;
}

/**
 * Turns a crawl into the snapshot's files (pure apart from awaiting the renderer):
 * a Markdown file and a JSON record per page, JSON, CSV and a Markdown overview per
 * database, and index.json. Page files contain nothing from the run (no timestamps, no
 * snapshot id), so unchanged content gives identical bytes.
 */
export async function buildSnapshot(input: BuildSnapshotInput): Promise<SnapshotContent> {
  const { crawl, plan, assets } = input;
  // Links to a heading block go to its anchor; only the page that holds a block names it (not pages showing it through a synced block).
  const headingAnchors = new Map<string, string>();
  for (const [id, { page, blocks }] of crawl.pages) {
    for (const [blockId, anchor] of headingAnchorsOf(blocks, pageTitle(page) || 'Untitled')) if (plan.pageOfBlock.get(blockId) === id) headingAnchors.set(blockId, anchor);
  }
  const index = new LinkIndex(plan, headingAnchors);
  const files = new Map<string, string>();
  const warnings: CrawlIssue[] = [];
  const unrendered: SnapshotContent['unrendered'] = [];
  const unresolvedLinks: UnresolvedLink[] = [];
  const titles = new Map<string, string>();
  for (const [id, { page }] of crawl.pages) titles.set(id, pageTitle(page) || 'Untitled');
  for (const [id, { database }] of crawl.databases) titles.set(id, databaseTitle(database) || 'Untitled');
  const titleOf = (id: string) => titles.get(id) ?? null;

  const assetRefOf = (key: string): AssetRef | null => {
    const o = assets.get(key);
    return o?.kind === 'stored' ? { ...o.asset } : null;
  };

  const fileValue = (key: string, file: { name: string; type: string; external?: { url: string } }): FileValue => {
    const o = assets.get(key);
    const source: FileValue['source'] = file.type === 'external' ? 'external' : file.type === 'file_upload' ? 'file_upload' : 'notion';
    const url = source === 'external' ? (file.external?.url ?? null) : null;
    if (o?.kind === 'stored') return { name: file.name, source, path: o.asset.path, url, sha256: o.asset.sha256, bytes: o.asset.bytes, mimeType: o.asset.mimeType };
    if (o?.kind === 'link') return { name: file.name, source, path: null, url, ...(o.reason ? { error: o.reason } : {}) };
    return { name: file.name, source, path: null, url, error: o?.kind === 'missing' ? o.reason : 'not downloaded' };
  };

  const iconOf = (icon: unknown, key: string): Icon => {
    const i = icon as { type?: string; emoji?: string; external?: { url: string }; custom_emoji?: { id: string; name: string }; icon?: { name: string; color: string } } | null;
    if (!i?.type) return null;
    if (i.type === 'emoji') return { type: 'emoji', emoji: i.emoji ?? '' };
    if (i.type === 'icon') return { type: 'icon', name: i.icon?.name ?? '', color: i.icon?.color ?? 'default' };
    if (i.type === 'custom_emoji') return { type: 'custom_emoji', name: i.custom_emoji?.name ?? '', path: assetRefOf(assetKeys.customEmoji(i.custom_emoji?.id ?? ''))?.path ?? null };
    return imageOf(i, key);
  };
  const imageOf = (f: { type?: string; external?: { url: string } } | null, key: string): Cover => {
    if (!f?.type) return null;
    const o = assets.get(key);
    if (f.type === 'external') return { type: 'external', url: f.external?.url ?? '', path: o?.kind === 'stored' ? o.asset.path : null };
    if (o?.kind === 'stored') return { type: 'file', path: o.asset.path, sha256: o.asset.sha256, bytes: o.asset.bytes, mimeType: o.asset.mimeType };
    return { type: 'file', path: null, error: o?.kind === 'missing' ? o.reason : 'not downloaded' };
  };

  const renderContext = (links: PageLinks): RenderContext => ({
    pageId: links.pageId,
    linkTo: (id) => links.linkTo(id),
    rewriteUrl: (url) => links.rewriteUrl(url),
    asset: (key) => {
      const o = assets.get(key);
      if (!o) return undefined;
      if (o.kind === 'stored') return { href: relativeHref(links.fromFile, o.asset.path), name: o.ref.name };
      if (o.kind === 'link') return { href: o.url, name: o.ref.name };
      return { error: o.reason };
    },
    userName: (id) => crawl.users.get(id)?.name ?? undefined,
    titleOf: (id) => titles.get(id) ?? undefined,
  });

  // Pages ------------------------------------------------------------------------------
  const pageEntries: PageEntry[] = [];
  const propertiesOf = new Map<string, Record<string, PropertyValue>>();
  const linksOf = new Map<string, string[]>();
  let blockCount = 0;

  for (const [id, { page, blocks }] of [...crawl.pages].sort(([a], [b]) => plan.pages.get(a)!.markdown.localeCompare(plan.pages.get(b)!.markdown))) {
    const paths = plan.pages.get(id)!;
    const links = new PageLinks(index, id, paths.markdown);
    walk(blocks, () => blockCount++);
    const properties = normaliseProperties(page.properties, {
      pageId: id,
      user: (uid) => {
        const { id: _id, ...rest } = userRef(uid, crawl.users);
        return crawl.users.has(uid) ? rest : undefined;
      },
      pathOf: (target) => links.pathOf(target),
      file: fileValue,
      warn: (code, message) => warnings.push({ code, message: `page ${id}: ${message}`, pageId: id }),
    });
    propertiesOf.set(id, properties);
    const body = await renderBlocks(blocks, renderContext(links));
    const contentFailure = crawl.failures.find((f) => f.pageId === id && !f.blockId);
    if (contentFailure) body.markdown = `> ⚠️ The content of this page could not be exported: ${contentFailure.message}\n\n${body.markdown}`;
    for (const u of body.unrendered) unrendered.push({ pageId: id, blockId: u.blockId, type: u.type, reason: u.reason });
    unresolvedLinks.push(...links.unresolved);

    const entry: PageEntry = {
      id,
      title: pageTitle(page),
      path: paths.markdown,
      record: paths.record,
      parentId: paths.parentId,
      databaseId: paths.databaseId,
      url: page.url,
      createdTime: isoTimestamp(page.created_time),
      lastEditedTime: isoTimestamp(page.last_edited_time),
    };
    pageEntries.push(entry);
    const pageAssetKeys = [...pageFileRefs(page), ...collectBlockRefs(blocks, id)].map((r) => r.key);
    const pageAssets = uniqueByPath(pageAssetKeys.map(assetRefOf).filter((a): a is AssetRef => a !== null));
    const icon = iconOf(page.icon, assetKeys.icon(id));
    const cover = imageOf(page.cover as never, assetKeys.cover(id));
    const linkTargets = [...links.targets].sort();
    linksOf.set(id, linkTargets);
    const record: PageRecord = {
      ...entry,
      icon,
      cover,
      properties,
      links: linkTargets,
      assets: pageAssets,
      plainText: plainTextOf(blocks),
      unrendered: body.unrendered,
      authors: { createdBy: userRef(page.created_by.id, crawl.users), lastEditedBy: userRef(page.last_edited_by.id, crawl.users) },
    };
    files.set(paths.record, canonicalJson(record));
    files.set(paths.markdown, pageDocument(entry, record, body.markdown, titleOf, links));
  }

  // Databases --------------------------------------------------------------------------
  const databaseEntries: DatabaseEntry[] = [];
  let dataSourceCount = 0;
  let rowCount = 0;
  for (const [id, { database, dataSources }] of [...crawl.databases].sort(([a], [b]) => plan.databases.get(a)!.json.localeCompare(plan.databases.get(b)!.json))) {
    const paths = plan.databases.get(id)!;
    const links = new PageLinks(index, id, paths.markdown);
    const exportedRows = (rowIds: string[]) => rowIds.filter((r) => crawl.pages.has(r));
    const sources = dataSources.map(({ dataSource, rowIds }, i) => {
      const schema = normaliseDataSourceSchema(dataSource).properties;
      const rows = exportedRows(rowIds).map((rowId) => {
        const rowPaths = plan.pages.get(rowId)!;
        return { id: rowId, title: titles.get(rowId) ?? 'Untitled', path: rowPaths.markdown, record: rowPaths.record, properties: propertiesOf.get(rowId)! };
      });
      return { id: dataSource.id, name: richTextToPlain(dataSource.title as never), schema, rows, csv: paths.csv[i]! };
    });
    dataSourceCount += sources.length;
    rowCount += sources.reduce((n, s) => n + s.rows.length, 0);
    const entry: DatabaseEntry = {
      id,
      title: databaseTitle(database),
      path: paths.json,
      csv: paths.csv[0] ?? null,
      dataSources: sources.map((s) => ({ id: s.id, name: s.name })),
      rowIds: sources.flatMap((s) => s.rows.map((r) => r.id)),
      parentId: paths.parentId,
      url: database.url,
      isInline: database.is_inline,
      linkedView: database.data_sources.length === 0,
    };
    databaseEntries.push(entry);
    const record: DatabaseRecord = {
      ...entry,
      description: richTextToPlain(database.description as never),
      icon: iconOf(database.icon, assetKeys.icon(id)),
      cover: imageOf(database.cover as never, assetKeys.cover(id)),
      createdTime: isoTimestamp(database.created_time),
      lastEditedTime: isoTimestamp(database.last_edited_time),
      dataSources: sources.map(({ id: dsId, name, schema, rows }) => ({ id: dsId, name, schema, rows })),
    };
    files.set(paths.json, canonicalJson(record));
    for (const s of sources) {
      const columns = orderedColumns(s.schema);
      const cells = s.rows.map((r) => [...columns.map((c) => (r.properties[c] ? propertyValueToCsvCell(r.properties[c]!, { titleOf }) : '')), r.id, r.path]);
      files.set(s.csv, toCsv([...columns, 'Notion ID', 'Markdown file'], cells));
    }
    files.set(paths.markdown, databaseDocument(database, record, sources, links, titleOf));
    unresolvedLinks.push(...links.unresolved);
  }

  // Index ------------------------------------------------------------------------------
  const backlinks: Record<string, string[]> = {};
  for (const [from, targets] of [...linksOf].sort(([a], [b]) => a.localeCompare(b))) {
    for (const t of targets) (backlinks[t] ??= []).push(from);
  }
  const sortedBacklinks = Object.fromEntries(Object.keys(backlinks).sort().map((k) => [k, backlinks[k]!]));
  const indexJson: Index = {
    schemaVersion: 1,
    snapshotId: input.snapshotId,
    createdAt: input.createdAt,
    pages: pageEntries,
    databases: databaseEntries,
    backlinks: sortedBacklinks,
  };
  files.set('index.json', canonicalJson(indexJson));

  const assetFailures: SnapshotContent['assetFailures'] = [];
  for (const o of assets.values()) {
    if (o.kind === 'missing') assetFailures.push({ pageId: o.ref.pageId, ...(o.ref.blockId ? { blockId: o.ref.blockId } : {}), key: o.ref.key, reason: o.reason });
    else if (o.kind === 'link' && o.reason)
      warnings.push({ code: 'external_file_kept_as_link', message: `${o.ref.key}: ${o.reason}; kept as a link to ${o.url}`, pageId: o.ref.pageId, ...(o.ref.blockId ? { blockId: o.ref.blockId } : {}) });
  }

  return {
    files,
    index: indexJson,
    warnings,
    unrendered,
    unresolvedLinks: dedupeLinks(unresolvedLinks),
    assetFailures: assetFailures.sort((a, b) => a.key.localeCompare(b.key)),
    counts: { pages: pageEntries.length, databases: databaseEntries.length, dataSources: dataSourceCount, rows: rowCount, blocks: blockCount },
  };
}

function collectBlockRefs(blocks: BlockNode[], pageId: string) {
  const refs: ReturnType<typeof blockFileRefs> = [];
  walk(blocks, (b) => refs.push(...blockFileRefs(b, pageId)));
  return refs;
}

function uniqueByPath(list: AssetRef[]): AssetRef[] {
  const seen = new Map<string, AssetRef>();
  for (const a of list) if (!seen.has(a.path)) seen.set(a.path, a);
  return [...seen.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function dedupeLinks(list: UnresolvedLink[]): UnresolvedLink[] {
  const seen = new Map<string, UnresolvedLink>();
  for (const l of list) seen.set(`${l.pageId} ${l.target} ${l.url}`, l);
  return [...seen.values()].sort((a, b) => a.pageId.localeCompare(b.pageId) || a.url.localeCompare(b.url));
}
