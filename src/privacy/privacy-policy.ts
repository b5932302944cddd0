import type { Config } from '../config/config-schema.js';
import { parseNotionId, parseNotionUrl } from '../config/notion-id.js';
import type { BlockNode } from '../source/block-tree.js';
import type { CrawledDatabase, CrawledPage } from '../source/crawl-types.js';
import { compileTextPatterns, type TextRedactor } from './text-patterns.js';

/** What a mention of, or a link to, a page left out of the snapshot reads as. */
export const PRIVATE_PAGE_TEXT = '(private page)';

/** The privacy section of the config (src/config/config-schema.ts). */
export type PrivacyConfig = Config['privacy'];

type RawProperty = { id?: string; type: string } & Record<string, unknown>;
type RichTextLike = Record<string, unknown> & { type: string; plain_text: string };

/** True for the stand-in a redacted property value becomes in a fetched page (see PrivacyPolicy.redactPage). */
export function isRedactedRaw(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as { redacted?: unknown }).redacted === true;
}

/**
 * The privacy rules of a run (config `privacy`), as pure functions over fetched pages. Pages
 * left out are decided in two steps: `directlyExcluded` while the crawl goes (a listed id, or a
 * row whose properties match a rule), then `excludedClosure` once every summary is known (all
 * that sits under such a page). Redaction (`redactPage`) changes a fetched page in place before
 * anything else sees it; `hideExcluded` removes every trace of left-out pages from a page that
 * stays.
 */
export class PrivacyPolicy {
  private readonly listed: ReadonlySet<string>;
  private readonly text: TextRedactor;
  private readonly types: ReadonlySet<string>;
  private readonly names: ReadonlySet<string>;

  constructor(private readonly config: PrivacyConfig) {
    this.listed = new Set(config.excludePages.map((p) => parseNotionId(p) ?? p));
    this.text = compileTextPatterns(config.redactTextPatterns);
    this.types = new Set(config.redactPropertyTypes);
    this.names = new Set(config.redactProperties);
  }

  /** Any rule at all (a run without rules behaves exactly as before). */
  get active(): boolean {
    const c = this.config;
    return c.excludePages.length + c.excludeWhere.length + c.redactPropertyTypes.length + c.redactProperties.length + c.redactTextPatterns.length > 0;
  }

  /** What the sync state's config key must change with: cached pages were redacted under these rules. */
  keyPart(): (PrivacyConfig & { cache?: string }) | undefined {
    // With rules that leave pages out the cache is filtered as the snapshot is (and decided
    // before fetching): a cache from a version that kept left-out traces is not used.
    if (!this.active) return undefined;
    return this.leavesOut ? { ...this.config, cache: 'filtered' } : this.config;
  }

  /** Left out by itself: its id is listed, or its properties match an excludeWhere rule (pages below it follow in excludedClosure). */
  directlyExcluded(page: { id: string; properties?: Record<string, unknown> }): boolean {
    if (this.listed.has(page.id)) return true;
    const props = (page.properties ?? {}) as Record<string, RawProperty>;
    return this.config.excludeWhere.some((rule) => {
      const value = props[rule.property];
      return value !== undefined && !isRedactedRaw(value) && propertyEquals(value, rule.equals);
    });
  }

  /** Whether an excludeWhere rule needs a page's properties to tell (a listed object without them cannot be decided). */
  needsProperties(): boolean {
    return this.config.excludeWhere.length > 0;
  }

  /** Any rule that leaves pages out (excludePages, excludeWhere): the crawl must then decide before fetching. */
  get leavesOut(): boolean {
    return this.config.excludePages.length + this.config.excludeWhere.length > 0;
  }

  /** A database (or page) id listed in excludePages. */
  isListed(id: string): boolean {
    return this.listed.has(id);
  }

  /** Whether a property's values are redacted (the title never is: leave such pages out instead). */
  redactsProperty(name: string, type: string): boolean {
    return type !== 'title' && (this.names.has(name) || this.types.has(type));
  }

  /** A text with every configured pattern replaced by "[redacted]". */
  redactText(text: string): string {
    return this.text.redact(text);
  }

  /**
   * Redacts a fetched page in place: each redacted property becomes `{ id, type, redacted: true }`
   * (the normaliser turns it into `{ type, value: null, redacted: true }`, and nothing of its value
   * is looked at again, files included), and the text patterns are replaced in every rich text of
   * the page: titles, text properties, blocks, captions, table cells. Returns the number of
   * property values redacted.
   */
  redactPage(unit: CrawledPage): number {
    let redacted = 0;
    const props = unit.page.properties as Record<string, RawProperty>;
    for (const [name, value] of Object.entries(props)) {
      if (isRedactedRaw(value)) redacted++;
      else if (this.redactsProperty(name, value.type)) {
        props[name] = { id: value.id, type: value.type, redacted: true } as never;
        redacted++;
      }
    }
    if (this.text.any) {
      const visit = (item: RichTextLike) => this.redactRichText(item);
      walkRichText(unit.page.properties, visit);
      walkRichText(unit.blocks, visit);
      walkRichText(unit.comments, visit);
    }
    return redacted;
  }

  /** The text patterns in a database's title, description and data source names (in place). */
  redactDatabase(unit: CrawledDatabase): void {
    if (!this.text.any) return;
    const visit = (item: RichTextLike) => this.redactRichText(item);
    walkRichText([unit.database.title, (unit.database as { description?: unknown }).description], visit);
    for (const ds of unit.dataSources) walkRichText(ds.dataSource.title, visit);
  }

  private redactRichText(item: RichTextLike): void {
    item.plain_text = this.text.redact(item.plain_text);
    const linkHit = (url: unknown) => typeof url === 'string' && this.text.inLink(url);
    if (item.type === 'text') {
      const t = item.text as { content: string; link: { url: string } | null };
      t.content = this.text.redact(t.content);
      if (t.link && linkHit(t.link.url)) t.link = null;
    } else if (item.type === 'mention') {
      const m = item.mention as Record<string, Record<string, unknown> | undefined> & { type: string };
      const lm = m.link_mention;
      if (lm) {
        if (typeof lm.title === 'string') lm.title = this.text.redact(lm.title);
        if (linkHit(lm.href)) toPlainText(item, item.plain_text);
      }
      if (m.link_preview && linkHit(m.link_preview.url)) toPlainText(item, item.plain_text);
    }
    if (linkHit(item.href)) item.href = null;
  }
}

/** Compares a raw property value with an excludeWhere `equals`: by value, multi_select by "contains". */
export function propertyEquals(value: RawProperty, equals: string | number | boolean): boolean {
  const text = String(equals);
  const plain = (items: unknown) => (Array.isArray(items) ? items.map((i) => (i as { plain_text?: string }).plain_text ?? '').join('') : '');
  switch (value.type) {
    case 'select':
    case 'status':
      return (value[value.type] as { name?: string } | null)?.name === text;
    case 'multi_select':
      return Array.isArray(value.multi_select) && value.multi_select.some((o) => (o as { name?: string }).name === text);
    case 'checkbox':
      return value.checkbox === (typeof equals === 'boolean' ? equals : text.toLowerCase() === 'true');
    case 'number':
      return typeof value.number === 'number' && value.number === Number(equals);
    case 'title':
    case 'rich_text':
      return plain(value[value.type]) === text;
    case 'url':
    case 'email':
    case 'phone_number':
      return value[value.type] === text;
    case 'formula': {
      const f = value.formula as { type?: string } & Record<string, unknown>;
      return f?.type !== undefined && f[f.type] !== null && String(f[f.type]) === text;
    }
    default:
      return false;
  }
}

/**
 * Every page and database left out: the directly excluded ones and everything whose parent
 * chain reaches one (sub-pages, rows, pages in a block of a left-out page). Pure, from summaries.
 */
export function excludedClosure(
  nodes: ReadonlyMap<string, { parent: Record<string, unknown> | undefined }>,
  pageOfBlock: { get(blockId: string): string | undefined },
  direct: ReadonlySet<string>,
): Set<string> {
  const parentOf = (id: string): string | null => {
    const parent = nodes.get(id)?.parent;
    if (!parent) return null;
    switch (parent.type) {
      case 'page_id':
        return parent.page_id as string;
      case 'database_id':
      case 'data_source_id':
        return (parent.database_id as string | undefined) ?? null;
      case 'block_id':
        return pageOfBlock.get(parent.block_id as string) ?? null;
      default:
        return null;
    }
  };
  const verdict = new Map<string, boolean>();
  const excluded = (start: string): boolean => {
    const chain: string[] = [];
    const seen = new Set<string>();
    let result = false;
    for (let id: string | null = start; id !== null && !seen.has(id); id = parentOf(id)) {
      const known = verdict.get(id);
      if (known !== undefined) {
        result = known;
        break;
      }
      if (direct.has(id)) {
        result = true;
        break;
      }
      seen.add(id);
      chain.push(id);
    }
    for (const id of chain) verdict.set(id, result);
    return result;
  };
  const out = new Set<string>();
  for (const id of direct) out.add(id);
  for (const id of nodes.keys()) if (excluded(id)) out.add(id);
  return out;
}

/**
 * Removes every trace of left-out pages from a page that stays (in place): child_page,
 * child_database and link_to_page blocks pointing at one, and synced blocks showing an original
 * that sits in one, are dropped; a bookmark, embed or link
 * preview of one becomes a paragraph reading "(private page)"; a mention of one, or a text linked
 * to one, becomes the plain text "(private page)", in the page's properties, blocks and comments;
 * relations to one lose that item. `isPrivate` answers for page, database and block ids (a block
 * stands for its page). A `url` property holding its URL reads "(private page)", and a `files`
 * property loses an external file at its URL. Returns the ids found private (what the page lost).
 */
export function hideExcluded(unit: CrawledPage, isPrivateId: (id: string) => boolean): Set<string> {
  const hidden = new Set<string>();
  const isPrivate = (id: string): boolean => {
    const yes = isPrivateId(id);
    if (yes) hidden.add(id);
    return yes;
  };
  const privateUrl = privateUrlTest(isPrivate);
  const visit = privateVisitor(isPrivate, privateUrl);
  walkRichText(unit.page.properties, visit);
  if (dropRelations(unit.page.properties, isPrivate)) {
    // A rollup shows values of the related pages, and which item came from which page is not
    // known: with a left-out page among them, every rollup of the page is redacted.
    const props = unit.page.properties as Record<string, RawProperty>;
    for (const [name, value] of Object.entries(props)) if (value.type === 'rollup') props[name] = { id: value.id, type: 'rollup', redacted: true } as never;
  }
  hidePrivateUrls(unit.page.properties, privateUrl);
  unit.blocks = hideInBlocks(unit.blocks, isPrivate, privateUrl);
  walkRichText(unit.blocks, visit);
  walkRichText(unit.comments, visit);
  return hidden;
}

/**
 * A `url` property whose value is a left-out page's URL reads "(private page)"; a `files` property
 * loses an external file whose URL is one (its name is that URL too). In place.
 */
function hidePrivateUrls(properties: unknown, privateUrl: (url: unknown) => boolean): void {
  if (properties === null || typeof properties !== 'object') return;
  for (const value of Object.values(properties as Record<string, { type?: string; url?: unknown; files?: unknown } | null>)) {
    if (value?.type === 'url' && privateUrl(value.url)) value.url = PRIVATE_PAGE_TEXT;
    if (value?.type === 'files' && Array.isArray(value.files)) value.files = value.files.filter((f) => !privateUrl((f as { external?: { url?: unknown } } | null)?.external?.url));
  }
}

/** Mentions of and links to left-out pages in any rich text of a value become "(private page)" (in place). */
export function hideInRichText(value: unknown, isPrivate: (id: string) => boolean): void {
  walkRichText(value, privateVisitor(isPrivate, privateUrlTest(isPrivate)));
}

/** Whether a URL is a Notion URL of a page, database or block that `isPrivate` says is left out (a path alone is taken as notion.so's). */
export function privateUrlTest(isPrivate: (id: string) => boolean): (url: unknown) => boolean {
  return (url) => {
    if (typeof url !== 'string' || url === '') return false;
    const parsed = parseNotionUrl(url.startsWith('/') && !url.startsWith('//') ? `https://www.notion.so${url}` : url);
    if (!parsed) return false;
    return isPrivate(parsed.id) || (parsed.blockId !== undefined && isPrivate(parsed.blockId));
  };
}

function privateVisitor(isPrivate: (id: string) => boolean, privateUrl: (url: unknown) => boolean): (item: RichTextLike) => void {
  return (item) => {
    if (item.type === 'mention') {
      const m = item.mention as { type?: string; page?: { id?: string }; database?: { id?: string }; link_mention?: { href?: string }; link_preview?: { url?: string } };
      const target = m.type === 'page' ? m.page?.id : m.type === 'database' ? m.database?.id : undefined;
      if ((target && isPrivate(target)) || privateUrl(m.link_mention?.href) || privateUrl(m.link_preview?.url) || privateUrl(item.href)) toPlainText(item, PRIVATE_PAGE_TEXT);
      return;
    }
    const link = item.type === 'text' ? (item.text as { link?: { url?: string } | null }).link?.url : undefined;
    if (privateUrl(link) || privateUrl(item.href)) toPlainText(item, PRIVATE_PAGE_TEXT);
  };
}

function hideInBlocks(blocks: BlockNode[], isPrivate: (id: string) => boolean, privateUrl: (url: unknown) => boolean): BlockNode[] {
  const out: BlockNode[] = [];
  for (const b of blocks) {
    const block = b as BlockNode & Record<string, unknown>;
    if ((b.type === 'child_page' || b.type === 'child_database') && isPrivate(b.id)) continue;
    if (b.type === 'link_to_page') {
      const t = block.link_to_page as { type?: string; page_id?: string; database_id?: string };
      const target = t.type === 'page_id' ? t.page_id : t.type === 'database_id' ? t.database_id : undefined;
      if (target && isPrivate(target)) continue;
    }
    if (b.type === 'synced_block') {
      // A reference to an original in a left-out page: its content and the original's id go.
      const from = (block.synced_block as { synced_from?: { block_id?: string } | null } | undefined)?.synced_from;
      if (from?.block_id && isPrivate(from.block_id)) continue;
    }
    if ((b.type === 'bookmark' || b.type === 'embed' || b.type === 'link_preview') && privateUrl((block[b.type] as { url?: string }).url)) {
      const paragraph = { ...block, type: 'paragraph', paragraph: { rich_text: [privateText()], color: 'default' }, children: [] } as Record<string, unknown>;
      delete paragraph[b.type];
      out.push(paragraph as unknown as BlockNode);
      continue;
    }
    if (b.children.length > 0) b.children = hideInBlocks(b.children, isPrivate, privateUrl);
    out.push(b);
  }
  return out;
}

/** Relation values (also inside rollup arrays) without items pointing at left-out pages; true when any was dropped. */
function dropRelations(value: unknown, isPrivate: (id: string) => boolean): boolean {
  let dropped = false;
  if (Array.isArray(value)) {
    for (const v of value) dropped = dropRelations(v, isPrivate) || dropped;
    return dropped;
  }
  if (value === null || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  if (o.type === 'relation' && Array.isArray(o.relation)) {
    const kept = o.relation.filter((r) => !isPrivate(String((r as { id?: string }).id ?? '')));
    dropped = kept.length < o.relation.length;
    o.relation = kept;
  }
  for (const k in o) if (k !== 'relation') dropped = dropRelations(o[k], isPrivate) || dropped;
  return dropped;
}

/**
 * A database that stays, before rendering: mentions of left-out pages in its title and
 * description read "(private page)", and relation properties to a left-out database leave its
 * schema (they would name it; their values hold no left-out page anyway).
 */
export function hideInDatabase(unit: CrawledDatabase, isPrivate: (id: string) => boolean): void {
  hideInRichText([unit.database.title, (unit.database as { description?: unknown }).description], isPrivate);
  for (const ds of unit.dataSources) {
    const props = ds.dataSource.properties as Record<string, { type: string; relation?: { database_id?: string; data_source_id?: string } }>;
    for (const [name, p] of Object.entries(props)) {
      if (p.type !== 'relation') continue;
      if (isPrivate(p.relation?.database_id ?? '') || isPrivate(p.relation?.data_source_id ?? '')) delete props[name];
    }
  }
}

const ANNOTATIONS = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };

function privateText(): RichTextLike {
  return { type: 'text', text: { content: PRIVATE_PAGE_TEXT, link: null }, annotations: { ...ANNOTATIONS }, plain_text: PRIVATE_PAGE_TEXT, href: null };
}

/** Turns a rich text item (a mention, a link) into plain text, keeping its annotations. */
function toPlainText(item: RichTextLike, text: string): void {
  const annotations = item.annotations ?? { ...ANNOTATIONS };
  for (const k of Object.keys(item)) delete item[k];
  Object.assign(item, { type: 'text', text: { content: text, link: null }, annotations, plain_text: text, href: null });
}

const RICH_TEXT_TYPES = new Set(['text', 'mention', 'equation']);

/** Calls `visit` for every rich text item anywhere in a value (properties, block trees, captions, cells). */
export function walkRichText(value: unknown, visit: (item: RichTextLike) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walkRichText(v, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  if (typeof o.plain_text === 'string' && typeof o.type === 'string' && RICH_TEXT_TYPES.has(o.type) && typeof o.annotations === 'object') {
    visit(o as RichTextLike);
    return;
  }
  for (const k in o) walkRichText(o[k], visit);
}
