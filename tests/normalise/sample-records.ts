import { renderFeed } from '../../src/history/feed.js';
import type { DataSourceObjectResponse } from '@notionhq/client';
import { normaliseDataSourceSchema } from '../../src/normalise/normalise-data-source.js';
import { normaliseProperties } from '../../src/normalise/normalise-property.js';
import type { Changes, DatabaseRecord, Index, LatestPointer, Manifest, PageRecord, Redirects, Report } from '../../src/normalise/schemas.js';
import { loadFixture, objectsOf, pagesOf, testContext } from './helpers.js';

const SHA = 'a'.repeat(64);

/** One valid sample of every shipped file, built from the recorded fixtures where there is data. */
export function sampleRecords() {
  const page = pagesOf(loadFixture('page-all-property-types.json'))[0]!;
  const ctx = testContext({
    pageId: page.id,
    paths: { '38c9ce7b-60a4-81b0-9b95-ed6b21fd8f6d': 'pages/schema-b/item-1.md' },
  });
  const properties = normaliseProperties(page.properties as never, ctx);
  const entry = {
    id: page.id,
    title: 'Title',
    path: 'pages/all-columns/title.md',
    record: 'records/pages/38c9ce7b-60a4-81a7-af53-e2ed822a1d7f.json',
    parentId: null,
    databaseId: '72be4834-de15-4c26-b08c-60889f4636dc',
    url: 'https://www.notion.so/Title-38c9ce7b60a481a7af53e2ed822a1d7f',
    createdTime: '2026-06-27T06:00:00.000Z',
    lastEditedTime: '2026-06-27T06:00:00.000Z',
  };
  const bot = { id: '00000000-0000-4000-8000-0000000000f1', name: 'Ultimate Notion Tests', type: 'bot' as const };
  const pageRecord: PageRecord = {
    ...entry,
    icon: { type: 'emoji', emoji: '🧪' },
    cover: { type: 'file', path: `assets/${SHA}.png`, sha256: SHA, bytes: 1234, mimeType: 'image/png' },
    properties,
    links: ['38c9ce7b-60a4-81b0-9b95-ed6b21fd8f6d'],
    assets: [{ path: `assets/${SHA}.png`, sha256: SHA, bytes: 1234, mimeType: 'image/png' }],
    plainText: 'Title\nSome text.',
    unrendered: [{ blockId: '00000000-0000-4000-8000-0000000000b1', type: 'unsupported', reason: 'Notion does not expose ai_block', raw: { type: 'unsupported', unsupported: { block_type: 'ai_block' } } }],
    authors: { createdBy: bot, lastEditedBy: bot },
    digest: `sha256:${'ab'.repeat(32)}`,
  };
  const ds = objectsOf<DataSourceObjectResponse>(loadFixture('data-source-all-property-types.json'), 'data_source')[0]!;
  const schema = normaliseDataSourceSchema(ds);
  const dbEntry = {
    id: '72be4834-de15-4c26-b08c-60889f4636dc',
    title: 'All columns',
    path: 'records/databases/72be4834-de15-4c26-b08c-60889f4636dc.json',
    csv: 'databases/all-columns.csv',
    dataSources: [{ id: ds.id, name: schema.name, csv: 'databases/all-columns.csv' }],
    rowIds: [page.id],
    parentId: null,
    url: 'https://www.notion.so/72be4834de154c26b08c60889f4636dc',
    isInline: false,
    linkedView: false,
  };
  const databaseRecord: DatabaseRecord = {
    ...dbEntry,
    description: '',
    icon: null,
    cover: { type: 'external', url: 'https://example.org/cover.jpg' },
    createdTime: '2026-06-27T06:00:00.000Z',
    lastEditedTime: '2026-06-27T06:00:00.000+00:00',
    dataSources: [{ id: ds.id, name: schema.name, csv: 'databases/all-columns.csv', schema: schema.properties, rows: [{ id: page.id, title: 'Title', path: entry.path, record: entry.record, properties }] }],
  };
  const index: Index = {
    schemaVersion: 1,
    snapshotId: '2026-06-27T06-00-00Z',
    createdAt: '2026-06-27T06:00:00.000Z',
    pages: [entry],
    databases: [dbEntry],
    backlinks: { '38c9ce7b-60a4-81b0-9b95-ed6b21fd8f6d': [page.id] },
  };
  const manifest: Manifest = { files: [{ path: 'index.json', sha256: SHA, bytes: 10 }] };
  const latest: LatestPointer = { snapshotId: index.snapshotId, path: `snapshots/${index.snapshotId}` };
  const report: Report = {
    snapshotId: index.snapshotId,
    startedAt: '2026-06-27T06:00:00.000Z',
    finishedAt: '2026-06-27T06:01:00.000Z',
    durationMs: 60000,
    complete: false,
    counts: { pages: 1, databases: 1, dataSources: 1, rows: 1, blocks: 12, assets: 1, assetBytes: 1234 },
    requests: { total: 9, byRoute: { 'GET /v1/pages/{id}': 1 }, retries: 1, rateLimited: 1, waitedMs: 1000 },
    warnings: [{ code: 'relation_truncated', message: 'page … → property "R" (relation): cut', pageId: page.id }],
    failures: [{ code: 'not_found', message: 'database … not shared', databaseId: '72be4834-de15-4c26-b08c-60889f4636dc' }],
    unrendered: [{ pageId: page.id, blockId: '00000000-0000-4000-8000-0000000000b1', type: 'unsupported', reason: 'ai_block' }],
    unresolvedLinks: [{ pageId: page.id, target: 'ffffffff-ffff-4fff-8fff-ffffffffffff', url: 'https://www.notion.so/ffffffffffff4fff8fffffffffffffff' }],
    assetFailures: [{ pageId: page.id, key: 'property:x:y:0', reason: 'HTTP 403' }],
    changes: { from: '20260626T060000Z-000000', added: 0, updated: 1, moved: 1, renamed: 1, removed: 0 },
    audit: {
      from: '20260626T060000Z-000000',
      compared: 1,
      differed: [{ id: page.id, path: entry.path, previousPath: 'pages/old-title.md' }],
      contextOnly: 0,
      formulaRollupChanges: [{ id: page.id, path: entry.path, properties: ['Formula', 'Rollup'] }],
      commentChanges: [{ id: page.id, path: entry.path }],
    },
  };
  const change = { kind: 'page' as const, id: page.id, title: 'Title', oldTitle: 'Old title', path: entry.path, oldPath: 'pages/old-title.md' };
  const changes: Changes = {
    schemaVersion: 1,
    from: '20260626T060000Z-000000',
    to: index.snapshotId,
    counts: { added: 0, updated: 1, moved: 1, renamed: 1, removed: 0 },
    added: [],
    updated: [change],
    moved: [change],
    renamed: [change],
    removed: [],
  };
  const redirects: Redirects = { 'pages/old-title.md': entry.path };
  const feed = renderFeed(changes, new Map([[page.id, { ...pageRecord, plainText: 'Some text '.repeat(40) }]]), 'Wiki');
  return {
    'index.schema.json': index,
    'page-record.schema.json': pageRecord,
    'database-record.schema.json': databaseRecord,
    'manifest.schema.json': manifest,
    'report.schema.json': report,
    'latest.schema.json': latest,
    'changes.schema.json': changes,
    'redirects.schema.json': redirects,
    'feed.schema.json': feed,
  } as const;
}
