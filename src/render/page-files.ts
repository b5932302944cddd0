import type { CommentObjectResponse, PageObjectResponse, UserObjectResponse } from '@notionhq/client';
import { relativeHref, type PageLinks, type UnresolvedLink } from '../links/link-index.js';
import { normaliseDiscussions } from '../normalise/normalise-comments.js';
import { countBlocks, normalisePage, type AssetLookup, type PageLocation } from '../normalise/normalise-page.js';
import type { PageRecord } from '../normalise/schemas.js';
import type { BlockNode } from '../source/block-tree.js';
import { canonicalJson } from './json/canonical-json.js';
import { collectHeadings } from './markdown/collect-headings.js';
import { discussionSection } from './markdown/discussion.js';
import { pageDocument } from './markdown/documents.js';
import { renderBlocks, renderRichText, type RenderContext, type UnrenderedBlock } from './markdown/render-blocks.js';

/** What one page's files need from the rest of the snapshot: summaries and lookups, never other pages' content. */
export interface PageFilesContext {
  location: PageLocation;
  /** Link tracking for this page's file (src/links/link-index.ts). */
  links: PageLinks;
  users: ReadonlyMap<string, UserObjectResponse>;
  assets: AssetLookup;
  /** Title of an exported page or database, from the summaries. */
  titleOf(id: string): string | null;
  /** Why the page's content could not be fetched, when it could not. */
  contentFailure?: string;
  warn(code: string, message: string): void;
}

/** One page's files and what the index and the report need of them. */
export interface PageFiles {
  /** Snapshot-relative path → content: the JSON record and the Markdown file. */
  files: Map<string, string>;
  record: PageRecord;
  blocks: number;
  links: string[];
  unrendered: UnrenderedBlock[];
  unresolvedLinks: UnresolvedLink[];
}

/**
 * The unit of work of a sync: one fetched page → its record and its Markdown. Depends only on
 * the page, the summaries (titles, paths) and the asset lookups, so an unchanged page with
 * unchanged link targets gives the same bytes.
 */
export async function renderPageFiles(
  unit: { page: PageObjectResponse; blocks: BlockNode[]; comments?: CommentObjectResponse[]; digest?: string },
  ctx: PageFilesContext,
): Promise<PageFiles> {
  const { links, location } = ctx;
  showCurrentSubPageTitles(unit.blocks, ctx.titleOf);
  showCurrentMentionTitles(unit, ctx.titleOf);
  const renderContext = (from: PageLinks): RenderContext => ({
    pageId: from.pageId,
    linkTo: (id) => from.linkTo(id),
    rewriteUrl: (url) => from.rewriteUrl(url),
    asset: (key) => {
      const o = ctx.assets(key);
      if (!o) return undefined;
      if (o.kind === 'stored') return { href: relativeHref(from.fromFile, o.asset.path), name: o.ref.name };
      if (o.kind === 'link') return { href: o.url, name: o.ref.name };
      return { error: o.reason };
    },
    userName: (id) => ctx.users.get(id)?.name ?? undefined,
    titleOf: (id) => ctx.titleOf(id) ?? undefined,
  });
  // Text values in the record are rendered like the page body, with links from the snapshot root.
  const recordText = renderContext(links.withBase(null));
  const normalised = normalisePage(unit, {
    location,
    users: ctx.users,
    assets: ctx.assets,
    pathOf: (id) => links.pathOf(id),
    richTextMarkdown: (items, onIssue) => renderRichText(items, recordText, { onIssue }),
    warn: ctx.warn,
  });
  const body = await renderBlocks(unit.blocks, renderContext(links));
  if (ctx.contentFailure) body.markdown = `> ⚠️ The content of this page could not be exported: ${ctx.contentFailure}\n\n${body.markdown}`;
  // Comments, when exported: threads in the record, and a Discussion section at the end of the Markdown.
  const discussions = unit.comments
    ? normaliseDiscussions(unit.comments, {
        pageId: unit.page.id,
        users: ctx.users,
        richTextMarkdown: (items, onIssue) => renderRichText(items, recordText, { onIssue }),
        warn: ctx.warn,
      })
    : undefined;
  if (discussions && discussions.length > 0) {
    const pageText = renderContext(links);
    const textOf = new Map(unit.comments!.map((c) => [c.id, renderRichText(c.rich_text, pageText)]));
    const headings = new Map(collectHeadings(unit.blocks, normalised.entry.title || 'Untitled').map((h) => [h.blockId, h]));
    const section = discussionSection(discussions, {
      markdownOf: (id) => textOf.get(id) ?? '',
      heading: (blockId) => {
        const h = headings.get(blockId);
        return h ? { anchor: h.slug, text: h.text } : null;
      },
    });
    body.markdown = `${body.markdown.trimEnd()}\n\n${section}`;
  }
  const linkTargets = [...links.targets].sort();
  const n = normalised;
  // Key order is the contract's (README): entry fields, icon, cover, properties, links, assets, …
  const record: PageRecord = {
    ...n.entry,
    icon: n.icon,
    cover: n.cover,
    properties: n.properties,
    links: linkTargets,
    assets: n.assets,
    plainText: n.plainText,
    unrendered: body.unrendered,
    authors: n.authors,
    ...(discussions ? { discussions } : {}),
    digest: n.digest,
  };
  const files = new Map<string, string>([
    [location.record, canonicalJson(record)],
    [location.markdown, pageDocument(n.entry, record, body.markdown, ctx.titleOf, links)],
  ]);
  return { files, record, blocks: countBlocks(unit.blocks), links: linkTargets, unrendered: body.unrendered, unresolvedLinks: links.unresolved };
}

/**
 * child_page and child_database blocks show the sub-page's or database's title from the
 * summaries: the fetched page keeps no copy of it (renaming a sub-page does not bump the page
 * that shows it, so a cached copy would go stale; src/normalise/page-digest.ts).
 */
function showCurrentSubPageTitles(blocks: BlockNode[], titleOf: (id: string) => string | null): void {
  for (const b of blocks) {
    if (b.type === 'child_page' || b.type === 'child_database') {
      const title = titleOf(b.id);
      const payload = (b.type === 'child_page' ? b.child_page : b.child_database) as { title: string };
      if (title !== null && title !== 'Untitled') payload.title = title;
      else payload.title ??= '';
    } else if (b.children.length > 0) showCurrentSubPageTitles(b.children, titleOf);
  }
}

/**
 * Mentions of exported pages and databases show their current title, from the summaries. Notion
 * rewrites the text of every mention when a page is renamed, without bumping the pages that
 * mention it; a page taken from the page cache would still show the old title.
 */
function showCurrentMentionTitles(value: unknown, titleOf: (id: string) => string | null): void {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') showCurrentMentionTitles(item, titleOf);
    return;
  }
  const o = value as Record<string, unknown>;
  if (o.type === 'mention' && typeof o.plain_text === 'string') {
    const m = o.mention as { type?: string; page?: { id?: string }; database?: { id?: string } } | undefined;
    const target = m?.type === 'page' ? m.page?.id : m?.type === 'database' ? m.database?.id : undefined;
    const title = target ? titleOf(target) : null;
    if (title !== null) o.plain_text = title;
    return;
  }
  for (const key in o) {
    const v = o[key];
    if (v !== null && typeof v === 'object') showCurrentMentionTitles(v, titleOf);
  }
}
