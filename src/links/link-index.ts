import { posix } from 'node:path';
import { parseNotionUrl } from '../config/notion-id.js';
import type { HeadingAnchors, PathPlan } from './path-plan.js';

/** A link whose target is not in the export: kept as a Notion URL and reported. */
export interface UnresolvedLink {
  pageId: string;
  target: string;
  url: string;
}

const NOTION_HOST = /(^|\.)notion\.(so|site|com)$/i;

/**
 * Relative href from one snapshot file to another (both relative to the snapshot root), URL-encoded
 * so that it is one Markdown link destination. From `null` (the snapshot root, which records link
 * from) it is the snapshot-relative path itself, encoded the same way.
 */
export function relativeHref(fromFile: string | null, toFile: string): string {
  if (fromFile === null) return encodeURI(toFile).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const rel = posix.relative(posix.dirname(fromFile), toFile);
  return encodeURI(rel.startsWith('.') ? rel : `./${rel}`).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Notion's URL for an id (what a link to something outside the export keeps). */
export function notionUrlOf(id: string): string {
  return `https://www.notion.so/${id.replaceAll('-', '')}`;
}

/**
 * Answers "where is X in this snapshot" for pages, databases and blocks, and turns Notion
 * URLs into snapshot paths. Every lookup is recorded, so page records can list their
 * outgoing links and the report the unresolved ones.
 */
export class LinkIndex {
  constructor(
    private readonly plan: PathPlan,
    /**
     * Block id → anchor (without `#`) of every heading block, in its page's Markdown file: the
     * union over pages of `headingAnchorsOf(blocks, title)` (src/render/markdown/collect-headings.ts).
     * Links to a heading go to its anchor; links to other blocks (or without this map) go to the page.
     */
    private readonly headingAnchors: HeadingAnchors = new Map(),
  ) {}

  /** The anchor (without `#`) of a heading block in its page's Markdown; null for any other id. */
  anchorOf(blockId: string): string | null {
    return this.headingAnchors.get(blockId) ?? null;
  }

  /** Snapshot-relative Markdown file of an exported page or database (or of the page holding a block); null when outside the export. */
  pathOf(id: string): string | null {
    const page = this.plan.pages.get(id);
    if (page) return page.markdown;
    const db = this.plan.databases.get(id);
    if (db) return db.markdown;
    const holder = this.plan.pageOfBlock.get(id);
    return holder ? (this.plan.pages.get(holder)?.markdown ?? null) : null;
  }

  /** The exported page or database an id stands for (a block id stands for its page). */
  targetOf(id: string): string | null {
    if (this.plan.pages.has(id) || this.plan.databases.has(id)) return id;
    return this.plan.pageOfBlock.get(id) ?? null;
  }

  /** Parses a URL that points into Notion (with the block of a `#<block id>` anchor); null for any other URL. */
  notionTarget(url: string): { id: string; blockId?: string } | null {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return null;
    }
    if (!NOTION_HOST.test(host)) return null;
    const parsed = parseNotionUrl(url);
    if (!parsed) return null;
    // A block anchor names the block; the file to open is its page's (see PageLinks.rewriteUrl).
    return parsed.blockId ? { id: parsed.id, blockId: parsed.blockId } : { id: parsed.id };
  }
}

/** Per-page link tracking: which pages it links to and which links could not be resolved. */
export class PageLinks {
  readonly targets: Set<string>;
  readonly unresolved: UnresolvedLink[];
  /** Every id looked up (pages, databases, blocks, resolved or not): what the links written depend on. */
  readonly asked: Set<string>;

  constructor(
    private readonly index: LinkIndex,
    readonly pageId: string,
    /** The file the links are written into (hrefs are relative to it); null for the snapshot root. */
    readonly fromFile: string | null,
    /** Where lookups are recorded; a fresh record unless shared with another base (see withBase). */
    recorded?: { targets: Set<string>; unresolved: UnresolvedLink[]; asked: Set<string> },
  ) {
    this.targets = recorded?.targets ?? new Set();
    this.unresolved = recorded?.unresolved ?? [];
    this.asked = recorded?.asked ?? new Set();
  }

  /**
   * The same page's links written from another base: `null` is the snapshot root, from which the
   * Markdown of the page's record links. Lookups through either are recorded in both.
   */
  withBase(fromFile: string | null): PageLinks {
    return new PageLinks(this.index, this.pageId, fromFile, this);
  }

  /** href for a page or database by id (a heading block's id: its page with the heading's anchor). */
  linkTo(id: string): string {
    const path = this.resolve(id, notionUrlOf(id));
    return path === null ? notionUrlOf(id) : relativeHref(this.fromFile, path) + this.fragment(id, id);
  }

  /**
   * Rewrites notion.so / notion.site URLs that point into the export; leaves other URLs as they
   * are. A `#<block id>` anchor to a heading on the linked page becomes that heading's anchor.
   */
  rewriteUrl(url: string): string {
    const parsed = this.index.notionTarget(url);
    if (!parsed) return linkableUrl(url);
    const path = this.resolve(parsed.id, url);
    if (path === null) return url;
    return relativeHref(this.fromFile, path) + (parsed.blockId ? this.fragment(parsed.id, parsed.blockId) : this.fragment(parsed.id, parsed.id));
  }

  /** `#<anchor>` when `blockId` is a heading on the page `id` resolves to; '' otherwise (the link opens the page). */
  private fragment(id: string, blockId: string): string {
    this.asked.add(blockId);
    const anchor = this.index.anchorOf(blockId);
    if (anchor === null || this.index.targetOf(blockId) !== this.index.targetOf(id)) return '';
    return `#${encodeURIComponent(anchor)}`;
  }

  /** Snapshot-relative path (for JSON records), recording the link. */
  pathOf(id: string): string | null {
    return this.resolve(id, notionUrlOf(id));
  }

  /** The snapshot path of an exported target, recorded as a link; null (recorded as unresolved, with `url`) otherwise. */
  private resolve(id: string, url: string): string | null {
    this.asked.add(id);
    const target = this.index.targetOf(id);
    const path = this.index.pathOf(id);
    if (target && path) {
      if (target !== this.pageId) this.targets.add(target);
      return path;
    }
    this.unresolved.push({ pageId: this.pageId, target: id, url });
    return null;
  }
}

/** Schemes a link in the archive may keep: the web, mail and phone. */
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/**
 * A URL as a link may carry it: web, mail and phone links and relative ones as they are; any
 * other scheme (javascript:, data:, vbscript:, file:, …) could run or open something where the
 * archive is viewed, so the link becomes "#" (its text stays).
 */
export function linkableUrl(url: string): string {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\u0000-\u001f]/g, ''));
  if (!scheme) return url;
  return SAFE_SCHEMES.has(`${scheme[1]!.toLowerCase()}:`) ? url : '#';
}
