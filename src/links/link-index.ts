import { posix } from 'node:path';
import { parseNotionUrl } from '../config/notion-id.js';
import type { PathPlan } from './path-plan.js';

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
  constructor(private readonly plan: PathPlan) {}

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

  /** Parses a URL that points into Notion; null for any other URL. */
  notionTarget(url: string): { id: string } | null {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return null;
    }
    if (!NOTION_HOST.test(host)) return null;
    const parsed = parseNotionUrl(url);
    if (!parsed) return null;
    // A block anchor names the block; the file to open is its page's.
    return { id: parsed.id };
  }
}

/** Per-page link tracking: which pages it links to and which links could not be resolved. */
export class PageLinks {
  readonly targets: Set<string>;
  readonly unresolved: UnresolvedLink[];

  constructor(
    private readonly index: LinkIndex,
    readonly pageId: string,
    /** The file the links are written into (hrefs are relative to it); null for the snapshot root. */
    readonly fromFile: string | null,
    /** Where lookups are recorded; a fresh record unless shared with another base (see withBase). */
    recorded?: { targets: Set<string>; unresolved: UnresolvedLink[] },
  ) {
    this.targets = recorded?.targets ?? new Set();
    this.unresolved = recorded?.unresolved ?? [];
  }

  /**
   * The same page's links written from another base: `null` is the snapshot root, from which the
   * Markdown of the page's record links. Lookups through either are recorded in both.
   */
  withBase(fromFile: string | null): PageLinks {
    return new PageLinks(this.index, this.pageId, fromFile, this);
  }

  /** href for a page or database by id. */
  linkTo(id: string): string {
    const path = this.resolve(id, notionUrlOf(id));
    return path === null ? notionUrlOf(id) : relativeHref(this.fromFile, path);
  }

  /** Rewrites notion.so / notion.site URLs that point into the export; leaves other URLs as they are. */
  rewriteUrl(url: string): string {
    const parsed = this.index.notionTarget(url);
    if (!parsed) return url;
    const path = this.resolve(parsed.id, url);
    return path === null ? url : relativeHref(this.fromFile, path);
  }

  /** Snapshot-relative path (for JSON records), recording the link. */
  pathOf(id: string): string | null {
    return this.resolve(id, notionUrlOf(id));
  }

  /** The snapshot path of an exported target, recorded as a link; null (recorded as unresolved, with `url`) otherwise. */
  private resolve(id: string, url: string): string | null {
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
