/**
 * Stable names for the places a file can sit in a Notion workspace. The crawl downloads a
 * file under one of these keys; renderers and normalisers look the downloaded copy up by the
 * same key, never by the (expiring) URL.
 */
export const assetKeys = {
  /** image / video / pdf / file / audio block. */
  block: (blockId: string) => `block:${blockId}`,
  /** Page or database icon (file, external or custom emoji). */
  icon: (ownerId: string) => `icon:${ownerId}`,
  /** Page or database cover. */
  cover: (ownerId: string) => `cover:${ownerId}`,
  /** The index-th file of a `files` property value. */
  property: (pageId: string, propertyId: string, index: number) => `property:${pageId}:${propertyId}:${index}`,
  /** A custom emoji used in rich text or as a callout icon. */
  customEmoji: (emojiId: string) => `custom-emoji:${emojiId}`,
} as const;
