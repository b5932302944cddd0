import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDrift, driftRules, type DriftKind } from '../../src/notion-server/drift.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { driftWorkspace } from '../support/drift-workspace.js';

const TOKEN = ['secret', 'drift', 'server', '0123456789abcdefghij'].join('_');

describe('drift: the kinds of a response', () => {
  it('finds every object kind, by shape or by position, outermost first', () => {
    const seen: Array<[DriftKind, string]> = [];
    const rt = { type: 'text', text: { content: 'a', link: null }, plain_text: 'a', href: null, annotations: {} };
    const response = {
      object: 'list',
      results: [
        {
          object: 'page',
          id: 'p',
          created_by: { object: 'user', id: 'u' },
          cover: { type: 'external', external: { url: 'https://x' } },
          properties: { Name: { id: 'title', type: 'title', title: [rt] } },
        },
        { object: 'data_source', id: 'd', properties: { Name: { id: 'title', name: 'Name', type: 'title', title: {} } } },
        { object: 'block', id: 'b', type: 'image', image: { type: 'file', file: { url: 'https://f', expiry_time: 'x' }, caption: [] } },
      ],
    };
    applyDrift(response, (kind, o) => {
      seen.push([kind, String(o.id ?? o.type)]);
      return o;
    });
    expect(seen).toEqual([
      ['page', 'p'],
      ['user', 'u'],
      ['file', 'external'],
      ['property_value', 'title'],
      ['rich_text', 'text'],
      ['data_source', 'd'],
      ['property_schema', 'title'],
      ['block', 'b'],
      ['file', 'file'],
    ]);
  });

  it('rules omit, add and change the type (moving the payload)', () => {
    const t = driftRules([{ kind: 'block', where: (o) => o.id === 'b', omit: ['has_children'], add: { extra: 1 }, setType: 'future' }]);
    expect(t('block', { id: 'b', type: 'quote', quote: { rich_text: [] }, has_children: false })).toEqual({ id: 'b', type: 'future', future: { rich_text: [] }, extra: 1 });
    expect(t('block', { id: 'c', type: 'quote' })).toEqual({ id: 'c', type: 'quote' });
    expect(t('page', { id: 'b', type: 'quote' })).toEqual({ id: 'b', type: 'quote' });
  });
});

describe('drift over HTTP', () => {
  const { workspace, ids } = driftWorkspace();
  let server: NotionServer;
  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, drift: [{ kind: 'database', omit: ['description'], add: { new_field: true } }] });
  });
  afterAll(() => server.close());

  it('serves the drifted object', async () => {
    const res = await fetch(`${server.baseUrl}/v1/databases/${ids.database}`, { headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03' } });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body.id).toBe(ids.database);
    expect('description' in body).toBe(false);
    expect(body.new_field).toBe(true);
    expect(body.title).toBeDefined();
  });
});
