import type { FileValue } from '../../src/normalise/schemas.js';
import type { NormaliseContext } from '../../src/normalise/normalise-context.js';
import { readNotionFixture } from '../support/fixtures.js';
import { relativeHref } from '../../src/links/link-index.js';
import { renderRichText } from '../../src/render/markdown/render-blocks.js';
import { fakeRenderContext } from '../render/fake-render-context.js';

/** Parsed JSON of a recorded fixture file (tests/fixtures/notion-api/). */
export function loadFixture(name: string): unknown {
  return readNotionFixture(name);
}

/** Every object with `object: <kind>` anywhere in a fixture (plain bodies and `.exchanges.json` alike), de-duplicated by id. */
export function objectsOf<T = Record<string, unknown>>(fixture: unknown, kind: string, predicate: (o: Record<string, unknown>) => boolean = () => true): T[] {
  const found = new Map<string, T>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.object === kind && predicate(o)) found.set(String(o.id), o as T);
    Object.values(o).forEach(walk);
  };
  walk(fixture);
  return [...found.values()];
}

/** Pages (with properties) of a fixture. */
export function pagesOf(fixture: unknown) {
  return objectsOf<{ id: string; properties: Record<string, any> }>(fixture, 'page', (o) => typeof o.properties === 'object' && o.properties !== null);
}

export interface TestContext extends NormaliseContext {
  warnings: Array<{ code: string; message: string }>;
  fileRequests: Array<{ key: string; file: { name: string; type: string; external?: { url: string } } }>;
}

/** A NormaliseContext over plain maps that records warnings and file look-ups; text Markdown comes from the real renderer, linking from the snapshot root. */
export function testContext(options: {
  pageId?: string;
  users?: Record<string, { name: string | null; type: 'person' | 'bot' | null; email?: string | null }>;
  paths?: Record<string, string>;
  file?: (key: string, file: { name: string; type: string; external?: { url: string } }) => FileValue;
} = {}): TestContext {
  const warnings: TestContext['warnings'] = [];
  const fileRequests: TestContext['fileRequests'] = [];
  const exported = Object.fromEntries(Object.entries(options.paths ?? {}).map(([id, path]) => [id, relativeHref(null, path)]));
  const names = Object.fromEntries(Object.entries(options.users ?? {}).flatMap(([id, u]) => (u.name ? [[id, u.name]] : [])));
  const recordText = fakeRenderContext({ exported, users: names });
  return {
    pageId: options.pageId ?? '00000000-0000-4000-8000-0000000000aa',
    warnings,
    fileRequests,
    user: (id) => options.users?.[id],
    pathOf: (id) => options.paths?.[id] ?? null,
    richTextMarkdown: (items, onIssue) => renderRichText(items, recordText, { onIssue }),
    file: (key, file) => {
      fileRequests.push({ key, file });
      if (options.file) return options.file(key, file);
      return file.type === 'external'
        ? { name: file.name, source: 'external', path: null, url: file.external!.url }
        : { name: file.name, source: 'notion', path: null, url: null, error: 'not downloaded in this test' };
    },
    warn: (code, message) => warnings.push({ code, message }),
  };
}
