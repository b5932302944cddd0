import { BlockOwners } from '../links/block-owners.js';
import type { BlockLookup, DatabasePaths, PagePaths, PathPlan } from '../links/path-plan.js';
import { richTextToPlain } from '../normalise/rich-text-plain.js';
import { databaseTitle, pageTitle } from '../normalise/titles.js';
import type { CrawledDatabase, CrawledPage } from '../source/crawl-types.js';

export type { DatabasePaths, PagePaths, PathPlan } from '../links/path-plan.js';

const MAX_SLUG_CHARS = 60;
/**
 * Slug length by depth in the tree (1 = top level; deeper levels get 8). Paths stay short
 * enough to unpack anywhere: a page seven levels down has at most 210 characters inside the
 * snapshot, under Windows' 260 with `output/snapshots/<id>/` (41 characters) in front.
 */
const SLUG_CHARS_BY_DEPTH = [40, 28, 20, 14, 12, 10, 8];
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

/** What the planner needs of a page or database: a summary, never its content. */
export interface PlanNode {
  id: string;
  kind: 'page' | 'database';
  /** Plain-text title. */
  title: string;
  /** The API's `parent` object. */
  parent: Record<string, unknown> | undefined;
  /** A database's data sources, in order (names its CSV files). */
  dataSources?: Array<{ id: string; title: string }>;
}

export interface PlanInput {
  nodes: ReadonlyMap<string, PlanNode>;
  /** Exported page that holds each block (src/links/block-owners.ts). */
  pageOfBlock: BlockLookup;
}

/**
 * Collects what the planner needs while the crawl goes: a summary of each page and database
 * and the page holding each block, never the content itself.
 */
export class PlanInputBuilder {
  readonly nodes = new Map<string, PlanNode>();
  private readonly owners = new BlockOwners();

  addPage({ page, blocks }: CrawledPage): void {
    this.nodes.set(page.id, { id: page.id, kind: 'page', title: pageTitle(page), parent: page.parent as never });
    this.owners.add(page.id, blocks);
  }

  addDatabase({ database, dataSources }: CrawledDatabase): void {
    const sources = dataSources.map((d) => ({ id: d.dataSource.id, title: richTextToPlain(d.dataSource.title as never) }));
    this.nodes.set(database.id, { id: database.id, kind: 'database', title: databaseTitle(database), parent: database.parent as never, dataSources: sources });
  }

  /** Once every page and database has been added. */
  build(): PlanInput {
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

  const depthOf = (node: Node): number => {
    let depth = 1;
    for (let p = node.parentId; p; p = nodes.get(p)?.parentId ?? null) depth++;
    return depth;
  };
  const baseNames = new Map<string, string>();
  for (const siblings of childrenOf.values()) {
    const prefixCount = new Map<string, number>();
    for (const n of siblings) prefixCount.set(hex(n.id).slice(0, 8), (prefixCount.get(hex(n.id).slice(0, 8)) ?? 0) + 1);
    for (const n of siblings) {
      const short = hex(n.id).slice(0, 8);
      const maxChars = SLUG_CHARS_BY_DEPTH[depthOf(n) - 1] ?? MIN_SLUG_CHARS;
      baseNames.set(n.id, `${slugify(n.title, maxChars)}-${prefixCount.get(short)! > 1 ? hex(n.id) : short}`);
    }
  }

  const dirOf = new Map<string, string>();
  const dirFor = (id: string | null): string => {
    if (id === null) return 'pages';
    const cached = dirOf.get(id);
    if (cached) return cached;
    const node = nodes.get(id)!;
    const dir = `${dirFor(node.parentId)}/${baseNames.get(id)}`;
    dirOf.set(id, dir);
    return dir;
  };

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
