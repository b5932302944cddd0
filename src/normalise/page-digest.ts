import { createHash } from 'node:crypto';
import type { CommentObjectResponse, PageObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../source/block-tree.js';

const MIRRORS_ANOTHER_PAGE = new Set(['child_page', 'child_database']);

/**
 * Removes, in place, what changes while this page's content does not: signed file URLs and
 * their expiry (new at every fetch), and the edit times and titles of child_page /
 * child_database blocks (they are the sub-page's own, bumped by every edit inside it; the
 * sub-page has its own digest). A walk and one plain JSON.stringify cost a third of a stringify with a replacer.
 */
function dropVolatile(value: unknown, notDigested: Array<[Record<string, unknown>, string]>): void {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') dropVolatile(item, notDigested);
    return;
  }
  const o = value as Record<string, unknown>;
  if (o.type === 'mention' && typeof o.plain_text === 'string') {
    const kind = (o.mention as { type?: string } | undefined)?.type;
    if (kind === 'page' || kind === 'database') notDigested.push([o, 'plain_text']);
  }
  // A custom emoji is its id (its image is kept by it): its URL names where it is served from.
  if (o.type === 'custom_emoji') {
    const emoji = o.custom_emoji as Record<string, unknown> | undefined;
    if (emoji && typeof emoji === 'object' && typeof emoji.url === 'string') notDigested.push([emoji, 'url']);
  }
  // A retrieved object carries the id of the response it came in (search results do not).
  if ('request_id' in o && 'object' in o) delete o.request_id;
  if ('expiry_time' in o) {
    delete o.url;
    delete o.expiry_time;
  }
  if (MIRRORS_ANOTHER_PAGE.has(o.type as string) && o.object === 'block') {
    delete o.last_edited_time;
    delete o.last_edited_by;
    // The sub-page's or database's title is its own (renaming it does not bump this page);
    // the render pass shows the title from the summaries.
    const payload = o[o.type as string] as { title?: unknown } | undefined;
    if (payload && typeof payload === 'object') delete payload.title;
  }
  for (const key in o) {
    const v = o[key];
    if (v !== null && typeof v === 'object') dropVolatile(v, notDigested);
  }
}

/**
 * A digest of what was fetched for a page: the page object (properties completed past Notion's
 * cut at 25), its whole block tree and, when fetched, its comments. Signed file URLs and their expiry times are left out:
 * they change at every fetch while the file stays the same. Nothing of the run goes in, so an
 * unchanged page has the same digest in every sync.
 */
export function pageDigest(page: PageObjectResponse, blocks: BlockNode[], comments?: CommentObjectResponse[]): string {
  return fetchedForm(structuredClone(comments ? { page, blocks, comments } : { page, blocks })).digest;
}

/**
 * The fetched page as JSON without what changes at every fetch: all a later stage needs (files
 * are looked up by asset key, never by their signed URL). Keys stay in the order the API sent
 * them: Notion's order is fixed per object type. The unit is handed over: its volatile fields
 * are removed in place.
 *
 * `digest` covers the same JSON, except the text of mentions of pages and databases: that is
 * the other page's title, which Notion changes in every mention when the page is renamed without
 * bumping the pages that mention it (the render pass shows current titles from the summaries);
 * and except the URL of a custom emoji, which names the host serving its image (the local
 * server's, a new port at each demo), not the emoji.
 * `checksum` is the sha256 of `json` itself, to check the bytes when they are read back.
 */
export function fetchedForm(
  unit: { page: PageObjectResponse; blocks: BlockNode[]; comments?: CommentObjectResponse[] },
  serialised?: SerialisedBlocks,
): {
  json: string;
  digest: string;
  checksum: string;
} {
  // The JSON keeps fetched comments, none included (the page cache must know they were fetched).
  const fetched = unit.comments ? { page: unit.page, blocks: unit.blocks, comments: unit.comments } : { page: unit.page, blocks: unit.blocks };
  const notDigested: Array<[Record<string, unknown>, string]> = [];
  dropVolatile(fetched, notDigested);
  const json = serialised ? fetchedJson(fetched, serialised) : JSON.stringify(fetched);
  const checksum = sha256Of(json);
  // Comments are content and change the digest; no comments is the same content as comments not
  // asked for, so turning comments on changes the digest of commented pages only.
  const digested = unit.comments?.length === 0 ? { page: fetched.page, blocks: fetched.blocks } : fetched;
  if (notDigested.length === 0) return { json, digest: digested === fetched ? checksum : sha256Of(JSON.stringify(digested)), checksum };
  const values = notDigested.map(([o, key]) => o[key]);
  for (const [o, key] of notDigested) o[key] = '';
  const digest = sha256Of(JSON.stringify(digested));
  notDigested.forEach(([o, key], i) => (o[key] = values[i]));
  return { json, digest, checksum };
}

/**
 * The JSON of blocks serialised already (by the resume journal, as listed), each without its
 * children: only blocks that `dropVolatile` leaves as they are (`unchangedByDigest`), not changed
 * since. Undefined for any other block.
 */
export type SerialisedBlocks = (block: BlockNode) => string | undefined;

/**
 * Whether `dropVolatile` leaves this block, serialised as `json` (its children aside), as it is.
 * `namesNoVolatile`: a scan of text that holds `json` (the listing it came in) found neither a
 * signed file's expiry nor a request id, so the block's own text need not be scanned again.
 */
export function unchangedByDigest(block: { type: string }, json: string, namesNoVolatile = false): boolean {
  return !MIRRORS_ANOTHER_PAGE.has(block.type) && (namesNoVolatile || (!json.includes(EXPIRY) && !json.includes(REQUEST_ID)));
}

const EXPIRY = '"expiry_time"';
const REQUEST_ID = '"request_id"';

/** Whether serialised text names what `dropVolatile` may change in a block (a signed file's expiry, a request id). */
export function namesVolatile(json: string): boolean {
  return json.includes(EXPIRY) || json.includes(REQUEST_ID);
}

/** `JSON.stringify(fetched)`, each block serialised already taken as it is. */
function fetchedJson(fetched: { page: PageObjectResponse; blocks: BlockNode[]; comments?: CommentObjectResponse[] }, serialised: SerialisedBlocks): string {
  const nodes = (list: BlockNode[]): string => {
    let out = '[';
    for (let i = 0; i < list.length; i++) {
      const node = list[i]!;
      const own = serialised(node);
      // A node is its block with `children` last ({ ...block, children }).
      out += (i > 0 ? ',' : '') + (own === undefined ? JSON.stringify(node) : `${own.slice(0, -1)},"children":${nodes(node.children)}}`);
    }
    return `${out}]`;
  };
  return `{"page":${JSON.stringify(fetched.page)},"blocks":${nodes(fetched.blocks)}${fetched.comments ? `,"comments":${JSON.stringify(fetched.comments)}` : ''}}`;
}

/** `sha256:<hex>` of a text. */
export function sha256Of(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

const COMPUTED = new Set(['formula', 'rollup']);

/**
 * The digest of what was fetched for a page less what Notion changes without an edit: the values
 * of formula and rollup properties (a formula over now(), a rollup over other pages) and the
 * comments. Two fetches of a page that was not edited have the same one; the self-audit of a full
 * run (src/publish/self-audit.ts) tells drift from those changes by it. The unit is not changed.
 */
export function editableDigest(unit: { page: PageObjectResponse; blocks: BlockNode[] }): string {
  const page = structuredClone(unit.page);
  for (const value of Object.values(page.properties) as Array<Record<string, unknown> & { type: string }>) {
    if (COMPUTED.has(value.type)) value[value.type] = null;
  }
  return fetchedForm({ page, blocks: structuredClone(unit.blocks) }).digest;
}

/**
 * A digest of what was fetched for a database: its object and its data sources' objects (their
 * schemas), less signed file URLs and request ids. Rows are not in it: each has its own digest.
 * The unit is not changed.
 */
export function databaseDigest(unit: { database: unknown; dataSources: Array<{ dataSource: unknown }> }): string {
  const fetched = structuredClone({ database: unit.database, dataSources: unit.dataSources.map((d) => d.dataSource) });
  const notDigested: Array<[Record<string, unknown>, string]> = [];
  dropVolatile(fetched, notDigested);
  // A custom emoji's URL, as in a page's digest (a copy: it can simply go). The text of mentions
  // stays: a database's own inputs hold no titles of the pages it mentions.
  for (const [o, key] of notDigested) if (key === 'url') o[key] = '';
  return sha256Of(JSON.stringify(fetched));
}
