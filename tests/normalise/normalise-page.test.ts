import type { PageObjectResponse, UserObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { assetKeys } from '../../src/assets/asset-keys.js';
import { normalisePage, type AssetLookup } from '../../src/normalise/normalise-page.js';
import { fetchedForm, pageDigest } from '../../src/normalise/page-digest.js';
import type { BlockNode } from '../../src/source/block-tree.js';
import { loadFixture, pagesOf } from './helpers.js';

/** A recorded page with every property type (tests/fixtures/notion-api, unchanged). */
const page = pagesOf(loadFixture('page-all-property-types.json'))[0] as unknown as PageObjectResponse;
const SHA = 'ab'.repeat(32);

const image = (url: string): BlockNode =>
  ({ object: 'block', id: '11111111-2222-4333-8444-555555555555', type: 'image', has_children: false, image: { type: 'file', caption: [], file: { url, expiry_time: '2030-01-01T00:00:00.000Z' } }, children: [] }) as unknown as BlockNode;

function normalise(blocks: BlockNode[], assets: AssetLookup = () => undefined) {
  const warnings: string[] = [];
  const users = new Map<string, UserObjectResponse>([[page.created_by.id, { object: 'user', id: page.created_by.id, type: 'person', name: 'Ada', avatar_url: null, person: { email: 'ada@example.org' } } as UserObjectResponse]]);
  const record = normalisePage(
    { page, blocks },
    {
      location: { markdown: 'pages/x.md', record: `records/${page.id}.json`, parentId: null, databaseId: null },
      users,
      assets,
      pathOf: () => null,
      richTextMarkdown: (items) => items.map((i) => i.plain_text).join(''),
      warn: (code, message) => warnings.push(`${code}: ${message}`),
    },
  );
  return { record, warnings };
}

describe('normalisePage: a fetched page → its record, without rendering', () => {
  it('gives the index entry from the page and the path plan, in one timestamp form', () => {
    const { record } = normalise([]);
    expect(record.entry).toMatchObject({ id: page.id, path: 'pages/x.md', record: `records/${page.id}.json`, parentId: null, databaseId: null, url: page.url });
    expect(record.entry.createdTime).toBe(new Date(page.created_time).toISOString());
    expect(record.entry.title.length).toBeGreaterThan(0);
  });

  it('types every property and names the author from the users it is given', () => {
    const { record } = normalise([]);
    expect(Object.keys(record.properties).sort()).toEqual(Object.keys(page.properties).sort());
    for (const [name, value] of Object.entries(record.properties)) expect(value.type, name).toBe(page.properties[name]!.type);
    expect(record.authors.createdBy).toMatchObject({ id: page.created_by.id, name: 'Ada', email: 'ada@example.org' });
  });

  it('lists the stored files the page uses, once each, and never a signed URL', () => {
    const asset = { path: `assets/${SHA}.png`, sha256: SHA, bytes: 3, mimeType: 'image/png' };
    const lookup: AssetLookup = (key) => (key === assetKeys.block('11111111-2222-4333-8444-555555555555') ? { kind: 'stored', ref: { name: 'a.png' }, asset } : undefined);
    const { record } = normalise([image('https://files.example/a.png?X-Amz-Signature=1')], lookup);
    expect(record.assets).toEqual([asset]);
    expect(JSON.stringify(record)).not.toContain('X-Amz-Signature');
  });

  it('carries the digest of what was fetched: the same for new signed URLs, another for other content', () => {
    const a = normalise([image('https://files.example/a.png?X-Amz-Signature=1')]).record.digest;
    const b = normalise([image('https://files.example/a.png?X-Amz-Signature=2')]).record.digest;
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(normalise([]).record.digest).not.toBe(a);
    expect(a).toBe(pageDigest(page, [image('https://files.example/a.png?X-Amz-Signature=3')]));
  });

  it('a custom emoji is its id: served from another host (a demo server on another port), the digest is the same; the fetched JSON keeps the URL', () => {
    const emojiId = '2c1a6b1e-0b6f-80a5-9f41-000000000001';
    const callout = (origin: string): BlockNode =>
      ({
        object: 'block',
        id: '11111111-2222-4333-8444-555555555556',
        type: 'callout',
        has_children: false,
        callout: {
          icon: { type: 'custom_emoji', custom_emoji: { id: emojiId, name: 'magnet', url: `${origin}/emoji/${emojiId}/magnet.png` } },
          rich_text: [{ type: 'mention', mention: { type: 'custom_emoji', custom_emoji: { id: emojiId, name: 'magnet', url: `${origin}/emoji/${emojiId}/magnet.png` } }, plain_text: ':magnet:', href: null, annotations: {} }],
          color: 'default',
        },
        children: [],
      }) as unknown as BlockNode;
    const one = pageDigest(page, [callout('http://127.0.0.1:38325')]);
    expect(pageDigest(page, [callout('http://127.0.0.1:41207')])).toBe(one);
    // Another emoji is another digest.
    const other = callout('http://127.0.0.1:38325');
    ((other as unknown as { callout: { icon: { custom_emoji: { id: string } } } }).callout.icon.custom_emoji.id = '2c1a6b1e-0b6f-80a5-9f41-000000000002');
    expect(pageDigest(page, [other])).not.toBe(one);
    const form = fetchedForm(structuredClone({ page, blocks: [callout('http://127.0.0.1:38325')] }));
    expect(form.digest).toBe(one);
    expect(form.json.match(/127\.0\.0\.1:38325\/emoji/g)).toHaveLength(2);
  });

  it('is pure: it leaves the fetched page as it was', () => {
    const before = JSON.stringify(page);
    normalise([image('https://files.example/a.png?X-Amz-Signature=1')]);
    expect(JSON.stringify(page)).toBe(before);
  });
});
