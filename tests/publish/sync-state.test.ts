import { describe, expect, it } from 'vitest';
import { stateJson, type SyncState } from '../../src/publish/sync-state.js';

describe('the sync state file', () => {
  it('is written in pieces as the same text as JSON.stringify', () => {
    const page = (n: number) => ({ lastEdited: `2026-01-0${n}T00:00:00.000Z`, digest: `sha256:${n}`, path: `pages/p-${n}.md`, assets: [], at: [n * 10, 10] as [number, number], checksum: `c${n}`, requests: n, ...(n % 2 ? { retry: true as const } : {}) });
    const state: SyncState = {
      format: 'notion-kb/sync-state',
      version: 1,
      snapshotId: '20260101T000000Z-aaaaaa',
      startedAt: '2026-01-01T00:00:00.000Z',
      configKey: 'k"ey\u2028',
      cache: 'pages-x.spool',
      pages: { 'a-1': page(1), 'b-"2"': page(2), skipped: undefined as never },
      dataSources: {},
      assets: { 'block:x': { identity: 'https://files/x.png', outcome: { kind: 'missing', ref: { key: 'block:x' } as never, reason: 'gone' } } },
    };
    expect([...stateJson(state)].join('')).toBe(JSON.stringify(state));
    expect([...stateJson({ ...state, pages: {} })].join('')).toBe(JSON.stringify({ ...state, pages: {} }));
  });
});
