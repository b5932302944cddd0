import type { RenderContext } from '../../src/render/markdown/render-blocks.js';

/** What a fake context knows about the export; each test fills in only what it needs. */
export interface FakeExport {
  pageId?: string;
  /** id → relative path of exported pages and databases. */
  exported?: Record<string, string>;
  assets?: Record<string, { href: string; name?: string } | { error: string }>;
  users?: Record<string, string>;
  titles?: Record<string, string>;
}

/** A small, deterministic RenderContext: exported ids get relative paths, others the Notion URL. */
export function fakeRenderContext(fake: FakeExport = {}): RenderContext & { unresolved: string[] } {
  const unresolved: string[] = [];
  const exported = fake.exported ?? {};
  const notionUrl = (id: string): string => `https://www.notion.so/${id.replace(/-/g, '')}`;
  const compact = (id: string): string => id.replace(/-/g, '').toLowerCase();
  return {
    pageId: fake.pageId ?? '00000000-0000-4000-8000-000000000004',
    unresolved,
    linkTo(id) {
      const path = exported[id];
      if (path) return path;
      unresolved.push(id);
      return notionUrl(id);
    },
    rewriteUrl(url) {
      const m = /^https:\/\/(?:www\.)?notion\.(?:so|site)\/(?:[^/]*\/)?(?:[^/?#]*-)?([0-9a-f]{32})(?:[?#].*)?$/i.exec(url);
      if (!m) return url;
      const hit = Object.entries(exported).find(([id]) => compact(id) === m[1]!.toLowerCase());
      return hit ? hit[1] : url;
    },
    asset: (key) => fake.assets?.[key],
    userName: (id) => fake.users?.[id],
    titleOf: (id) => fake.titles?.[id],
  };
}
