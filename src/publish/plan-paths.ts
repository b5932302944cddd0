import { BlockOwners, ownedBlocks, type OwnedBlocks } from '../links/block-owners.js';
import type { BlockLookup, DatabasePaths, HeadingAnchors, PagePaths, PathPlan } from '../links/path-plan.js';
import { richTextToPlain } from '../normalise/rich-text-plain.js';
import { databaseTitle, pageTitle } from '../normalise/titles.js';
import { headingAnchorsOf } from '../render/markdown/collect-headings.js';
import type { CrawledDatabase, CrawledPage } from '../source/crawl-types.js';

export type { DatabasePaths, HeadingAnchors, PagePaths, PathPlan } from '../links/path-plan.js';

const MAX_SLUG_CHARS = 60;
/**
 * Paths stay short enough to unpack anywhere: every file is at most 210 characters inside the
 * snapshot, under Windows' 260 with `output/snapshots/<id>/` (41 characters) in front. Slugs are
 * budgeted by the path length that remains, not by depth: a name takes what is left after its
 * folder, less what the deepest branch below it needs (`SLUG_RESERVE_CHARS` per level), so leaves
 * and shallow trees keep their titles readable and only deep branches get short names.
 */
const MAX_PATH_CHARS = 210;
/** Slug length kept for each level below a page when its own slug is budgeted. */
const SLUG_RESERVE_CHARS = 16;
const MIN_SLUG_CHARS = 8;
/**
 * A bound in UTF-8 bytes too: a multi-data-source CSV name holds two slugs plus a full id
 * ("<slug>-<32 hex>--<slug>-<8 hex>.csv"), and file systems allow 255 bytes per name.
 */
const MAX_SLUG_BYTES = 100;
/** Device names Windows refuses as file names (with or without an extension), superscript digits included. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/;

/**
 * A file-name-safe slug of a title: letters and digits of any script, lower case, dashes
 * between words, at most 60 characters and 100 bytes; never empty, never dots only, never a
 * path, never a Windows device name.
 */
export function slugify(title: string, maxChars = MAX_SLUG_CHARS): string {
  const slug = title
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  let cut = '';
  for (const ch of [...slug].slice(0, maxChars)) {
    if (Buffer.byteLength(cut + ch, 'utf8') > MAX_SLUG_BYTES) break;
    cut += ch;
  }
  cut = cut.replace(/-+$/, '');
  if (WINDOWS_RESERVED.test(cut)) return `_${cut}`;
  return cut || 'untitled';
}

const hex = (id: string) => id.replaceAll('-', '');

/**
 * Characters a slug may take in a folder whose path is `dirChars` long, for a node whose
 * subtree has `levels` levels: each level below keeps `SLUG_RESERVE_CHARS` plus its `-<8 hex>/`,
 * the last its longest extension (`.json`). Never under `MIN_SLUG_CHARS`, never over 60.
 */
export function slugBudget(dirChars: number, suffixChars: number, levels: number): number {
  const left = MAX_PATH_CHARS - dirChars - 1 - (1 + suffixChars) - '.json'.length - (levels - 1) * (SLUG_RESERVE_CHARS + 10);
  return Math.max(MIN_SLUG_CHARS, Math.min(MAX_SLUG_CHARS, left));
}

/** What the planner needs of a page or database: a summary, never its content. */
export interface PlanNode {
  id: string;
  kind: 'page' | 'database';
  /** Plain-text title. */
  title: string;
  /** The API's `parent` object, with only what names the container (`type` and the page, database or block id). */
  parent: Record<string, unknown> | undefined;
  /** A database's data sources, in order (names its CSV files). */
  dataSources?: Array<{ id: string; title: string }>;
}

export interface PlanInput {
  nodes: ReadonlyMap<string, PlanNode>;
  /** Exported page that holds each block (src/links/block-owners.ts). */
  pageOfBlock: BlockLookup;
}

/** Ids of the blocks a page shows through synced_block references (their original lives elsewhere); usually none. */
function blocksUnderSyncedReferences(blocks: CrawledPage['blocks']): Set<string> {
  const out = new Set<string>();
  const walk = (list: CrawledPage['blocks'], under: boolean): void => {
    for (const b of list) {
      if (under) out.add(b.id);
      const reference = b.type === 'synced_block' && Boolean((b as { synced_block?: { synced_from?: unknown } }).synced_block?.synced_from);
      walk(b.children, under || reference);
    }
  };
  walk(blocks, false);
  return out;
}

/** What of an API `parent` names the container (planPaths, privacy's excludedClosure): a row's data source id is not kept. */
function containerRef(parent: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!parent) return parent;
  switch (parent.type) {
    case 'page_id':
      return { type: parent.type, page_id: parent.page_id };
    case 'database_id':
    case 'data_source_id':
      return { type: parent.type, database_id: parent.database_id };
    case 'block_id':
      return { type: parent.type, block_id: parent.block_id };
    default:
      return { type: parent.type };
  }
}

/**
 * What the planner takes of a fetched page, and what the sync state keeps of it so that a page
 * the next run does not fetch or read again is planned all the same (`addSummary`): its title and
 * API parent, the blocks anything asks about, the anchors of its headings, and the sub-pages and
 * databases its content lists (the crawl visits them).
 */
export interface PageSummary {
  title: string;
  parent: Record<string, unknown> | undefined;
  blocks?: OwnedBlocks;
  /** [heading block id, anchor] of each heading it holds itself, and of each it shows through a synced reference. */
  anchors?: Array<[string, string]>;
  shownAnchors?: Array<[string, string]>;
  /** Its child_page and child_database blocks, in tree order. */
  subPages?: string[];
  subDatabases?: string[];
}

/** The summary of a fetched page (pure; the page is not changed). */
export function summarisePage({ page, blocks }: Pick<CrawledPage, 'page' | 'blocks'>): PageSummary {
  const title = pageTitle(page);
  const viaReference = blocksUnderSyncedReferences(blocks);
  const anchors: Array<[string, string]> = [];
  const shownAnchors: Array<[string, string]> = [];
  for (const [blockId, anchor] of headingAnchorsOf(blocks, title || 'Untitled')) (viaReference.has(blockId) ? shownAnchors : anchors).push([blockId, anchor]);
  const subPages: string[] = [];
  const subDatabases: string[] = [];
  const walk = (list: CrawledPage['blocks']): void => {
    for (const b of list) {
      if (b.type === 'child_page') subPages.push(b.id);
      else if (b.type === 'child_database') subDatabases.push(b.id);
      else if (b.children.length > 0) walk(b.children);
    }
  };
  walk(blocks);
  const owned = ownedBlocks(blocks);
  return {
    title,
    parent: page.parent as never,
    ...(owned.own || owned.shown ? { blocks: owned } : {}),
    ...(anchors.length > 0 ? { anchors } : {}),
    ...(shownAnchors.length > 0 ? { shownAnchors } : {}),
    ...(subPages.length > 0 ? { subPages } : {}),
    ...(subDatabases.length > 0 ? { subDatabases } : {}),
  };
}

/**
 * Collects what the planner needs while the crawl goes: a summary of each page and database
 * and the page holding each block, never the content itself.
 */
export class PlanInputBuilder {
  readonly nodes = new Map<string, PlanNode>();
  /** The page holding each block anything asks about, and each heading's anchor there (a large wiki has tens of thousands). */
  private readonly owners = new BlockOwners();

  /** A fetched page; returns its summary (what the sync state keeps of it). */
  addPage(unit: CrawledPage): PageSummary {
    const summary = summarisePage(unit);
    this.addSummary(unit.page.id, summary);
    return summary;
  }

  /** A page by its summary: one the run takes as it is, without reading it back. */
  addSummary(id: string, summary: PageSummary): void {
    this.nodes.set(id, { id, kind: 'page', title: summary.title, parent: containerRef(summary.parent) });
    const anchors = new Map<string, string>(summary.anchors);
    for (const [blockId, anchor] of summary.shownAnchors ?? []) anchors.set(blockId, anchor);
    this.owners.addOwned(id, summary.blocks ?? {}, anchors);
  }

  /**
   * Block id → anchor of every heading, in the file of the page that holds it (a page showing
   * another page's headings through a synced block does not claim them). Ask once every page is added.
   */
  headingAnchors(): HeadingAnchors {
    return { get: (blockId) => this.owners.anchorOf(blockId) };
  }

  addDatabase({ database, dataSources }: CrawledDatabase): void {
    const sources = dataSources.map((d) => ({ id: d.dataSource.id, title: richTextToPlain(d.dataSource.title as never) }));
    this.nodes.set(database.id, { id: database.id, kind: 'database', title: databaseTitle(database), parent: containerRef(database.parent as never), dataSources: sources });
  }

  /**
   * Once every page and database has been added. A parent's id came in its child's JSON: it
   * becomes the parent's own id string, so that each id is kept once (twice per page otherwise).
   */
  build(): PlanInput {
    for (const node of this.nodes.values()) {
      const parent = node.parent;
      for (const key of ['page_id', 'database_id'] as const) {
        const same = typeof parent?.[key] === 'string' ? this.nodes.get(parent[key] as string)?.id : undefined;
        if (same !== undefined) parent![key] = same;
      }
    }
    return { nodes: this.nodes, pageOfBlock: this.owners };
  }
}

/**
 * Plans every file name of a snapshot (pure). The Markdown tree mirrors the wiki: a page's
 * children live in a folder named like the page's file. Each name is `<slug>-<8 hex of id>`;
 * when two siblings share those 8 hex digits, the full id is used, so names are unique and
 * depend only on the exported set, never on crawl order.
 */
export function planPaths(input: PlanInput): PathPlan {
  const { pageOfBlock } = input;
  type Node = { id: string; kind: 'page' | 'database'; title: string; parentId: string | null };
  const nodes = new Map<string, Node>();
  const exported = (id: string | null | undefined): string | null => (id && input.nodes.has(id) ? id : null);

  // Resolves an API parent to the exported page or database it sits in.
  const containerOf = (parent: Record<string, unknown> | undefined): string | null => {
    if (!parent) return null;
    switch (parent.type) {
      case 'page_id':
        return exported(parent.page_id as string);
      case 'database_id':
        return exported(parent.database_id as string);
      case 'data_source_id':
        return exported(parent.database_id as string);
      case 'block_id': {
        const page = pageOfBlock.get(parent.block_id as string);
        return exported(page);
      }
      default:
        return null;
    }
  };

  for (const n of input.nodes.values()) nodes.set(n.id, { id: n.id, kind: n.kind, title: n.title, parentId: containerOf(n.parent) });
  // A parent cycle cannot happen in Notion, but a broken response must not loop forever.
  for (const node of nodes.values()) {
    const seen = new Set<string>([node.id]);
    for (let p = node.parentId; p; p = nodes.get(p)?.parentId ?? null) {
      if (seen.has(p)) {
        node.parentId = null;
        break;
      }
      seen.add(p);
    }
  }

  const childrenOf = new Map<string | null, Node[]>();
  for (const node of nodes.values()) {
    const list = childrenOf.get(node.parentId) ?? [];
    list.push(node);
    childrenOf.set(node.parentId, list);
  }

  // Levels in the subtree of a node (1 for a leaf): how many names its longest path below still holds.
  const heightOf = new Map<string, number>();
  const height = (node: Node): number => {
    const cached = heightOf.get(node.id);
    if (cached !== undefined) return cached;
    const h = 1 + (childrenOf.get(node.id) ?? []).reduce((m, c) => Math.max(m, height(c)), 0);
    heightOf.set(node.id, h);
    return h;
  };
  // Names are planned top-down: a slug's budget depends on its folder's path length.
  const baseNames = new Map<string, string>();
  const dirOf = new Map<string, string>();
  const nameChildren = (parentId: string | null, dir: string): void => {
    const siblings = childrenOf.get(parentId) ?? [];
    const prefixCount = new Map<string, number>();
    for (const n of siblings) prefixCount.set(hex(n.id).slice(0, 8), (prefixCount.get(hex(n.id).slice(0, 8)) ?? 0) + 1);
    for (const n of siblings) {
      const short = hex(n.id).slice(0, 8);
      const suffix = prefixCount.get(short)! > 1 ? hex(n.id) : short;
      baseNames.set(n.id, `${slugify(n.title, slugBudget(dir.length, suffix.length, height(n)))}-${suffix}`);
      dirOf.set(n.id, `${dir}/${baseNames.get(n.id)}`);
    }
    for (const n of siblings) nameChildren(n.id, dirOf.get(n.id)!);
  };
  nameChildren(null, 'pages');
  const dirFor = (id: string | null): string => (id === null ? 'pages' : dirOf.get(id)!);

  const pages = new Map<string, PagePaths>();
  const databases = new Map<string, DatabasePaths>();
  for (const node of nodes.values()) {
    const stem = `${dirFor(node.parentId)}/${baseNames.get(node.id)}`;
    if (node.kind === 'page') {
      const parentIsDb = node.parentId !== null && input.nodes.get(node.parentId)?.kind === 'database';
      pages.set(node.id, {
        markdown: `${stem}.md`,
        record: `records/${node.id}.json`,
        parentId: node.parentId,
        databaseId: parentIsDb ? node.parentId : null,
      });
    } else {
      const sources = input.nodes.get(node.id)!.dataSources ?? [];
      const csv = sources.length === 1 ? [`${stem}.csv`] : sources.map((s) => `${stem}--${slugify(s.title)}-${hex(s.id).slice(0, 8)}.csv`);
      databases.set(node.id, { markdown: `${stem}.md`, json: `${stem}.json`, csv, parentId: node.parentId });
    }
  }
  return { pages, databases, pageOfBlock };
}
