import type { RichTextItemResponse } from '@notionhq/client';
import type { FileValue, UserRef } from './schemas.js';

/** Everything normalising a page's properties needs from the rest of the run; pure lookups plus a warning sink. */
export interface NormaliseContext {
  /** The page whose properties are normalised (names the target in warnings, keys its files). */
  pageId: string;
  /** Known user for a partial user `{object:'user', id}`; undefined when not known. */
  user(id: string): Omit<UserRef, 'id'> | undefined;
  /** Snapshot-relative Markdown path of an exported page or database, null when outside the export. */
  pathOf(id: string): string | null;
  /**
   * The `markdown` of a text value: the export's one rich-text renderer (the one page bodies use),
   * handed in by the caller so this stage depends on no renderer, with links relative to the
   * snapshot root. `onIssue` hears what could not be kept (e.g. a link to an expiring Notion file).
   */
  richTextMarkdown(items: readonly RichTextItemResponse[], onIssue: (reason: string) => void): string;
  /**
   * The downloaded copy of a file of a `files` property, by asset key
   * (`assetKeys.property(pageId, propertyId, index)`; see src/assets/asset-keys.ts).
   */
  file(key: string, file: { name: string; type: string; external?: { url: string } }): FileValue;
  /** Records something that did not survive intact; the run report collects it. */
  warn(code: string, message: string): void;
}
