import type { BlockNode } from '../../source/block-tree.js';
import { richTextToPlain } from '../../normalise/rich-text-plain.js';

/** A heading of the page, with the anchor GitHub-style renderers give it. */
export interface HeadingEntry {
  blockId: string;
  level: 1 | 2 | 3 | 4;
  text: string;
  slug: string;
}

/** GitHub's anchor for a heading text (github-slugger rules: lower case, punctuation dropped, spaces to dashes). */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * All headings of a page in document order (inside toggles, columns and synced blocks too), with
 * unique slugs. `title` is the page's H1 written above the body: it takes its slug first, so a
 * heading with the same text gets `-1` as on GitHub.
 */
export function collectHeadings(blocks: readonly BlockNode[], title?: string): HeadingEntry[] {
  const seen = new Map<string, number>();
  if (title !== undefined) seen.set(slugify(title), 0);
  const out: HeadingEntry[] = [];
  const visit = (nodes: readonly BlockNode[]): void => {
    for (const node of nodes) {
      const level = headingLevel(node);
      if (level) {
        const text = richTextToPlain((node as unknown as Record<string, { rich_text: [] }>)[node.type]!.rich_text);
        out.push({ blockId: node.id, level, text, slug: uniqueSlug(seen, slugify(text)) });
      }
      visit(node.children);
    }
  };
  visit(blocks);
  return out;
}

function headingLevel(node: BlockNode): HeadingEntry['level'] | undefined {
  switch (node.type) {
    case 'heading_1':
      return 1;
    case 'heading_2':
      return 2;
    case 'heading_3':
      return 3;
    case 'heading_4':
      return 4;
    default:
      return undefined;
  }
}

/**
 * Block id → anchor (without `#`) of every heading of one page, as its Markdown file has them:
 * what links to a heading block (a Notion URL with `#<block id>`) point at. `title` is the page
 * title written as the file's H1 (`entry.title || 'Untitled'`). Pure.
 */
export function headingAnchorsOf(blocks: readonly BlockNode[], title: string): Map<string, string> {
  return new Map(collectHeadings(blocks, title).map((h) => [h.blockId, h.slug]));
}

/**
 * The anchor for a heading whose slug is `base`, given the anchors of the page so far (updated):
 * github-slugger's rule, the second "a" becomes "a-1", the third "a-2". The Markdown's anchors
 * and the offline site's heading ids both come from here, so links land on the same heading.
 */
export function uniqueSlug(seen: Map<string, number>, base: string): string {
  let slug = base;
  let count = seen.get(base) ?? 0;
  while (seen.has(slug)) {
    count += 1;
    slug = `${base}-${count}`;
  }
  seen.set(base, count);
  seen.set(slug, 0);
  return slug;
}
