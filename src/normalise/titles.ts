import { richTextToPlain } from './rich-text-plain.js';

/** Title of a page object (its title property), plain text. */
export function pageTitle(page: { properties: Record<string, { type: string }> }): string {
  const title = Object.values(page.properties).find((p) => p.type === 'title') as { title?: unknown[] } | undefined;
  return richTextToPlain((title?.title ?? []) as never);
}

/** Title of a database object, plain text. */
export function databaseTitle(db: { title: unknown[] }): string {
  return richTextToPlain(db.title as never);
}
