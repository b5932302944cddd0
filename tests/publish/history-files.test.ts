import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotItem, SnapshotState } from '../../src/history/diff-snapshots.js';
import type { Feed } from '../../src/normalise/schemas.js';
import { FEED_LIMIT, writeHistoryFiles } from '../../src/publish/history-files.js';
import { tempDir } from '../support/cli.js';

describe('feed.json of a snapshot that adds more pages than a feed lists', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const total = FEED_LIMIT + 25;
  const idOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const editedOf = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();

  beforeAll(async () => {
    tmp = await tempDir();
    await mkdir(join(tmp.dir, 'staging', 'records'), { recursive: true });
  });
  afterAll(() => tmp.cleanup());

  it(`lists the ${FEED_LIMIT} newest, reads only their records, and says that changes.json has all`, async () => {
    const items = new Map<string, SnapshotItem>();
    for (let i = 0; i < total; i++) {
      const id = idOf(i);
      const record = `records/${id}.json`;
      items.set(id, { kind: 'page', id, title: `Page ${i}`, path: `pages/page-${i}.md`, parentId: null, fingerprint: `sha256:${i}`, files: { markdown: `pages/page-${i}.md`, record }, edited: editedOf(i) });
      // Only the newest pages' records exist: reading an older one would drop it from the feed and fail the count below.
      if (i >= total - FEED_LIMIT) {
        await writeFile(join(tmp.dir, 'staging', record), JSON.stringify({ id, title: `Page ${i}`, path: `pages/page-${i}.md`, createdTime: editedOf(0), lastEditedTime: editedOf(i), plainText: `Text of page ${i}`, digest: `sha256:${i}` }));
      }
    }
    const after: SnapshotState = { snapshotId: '20260101T000000Z-aaaaaa', items };
    await writeHistoryFiles({ outDir: join(tmp.dir, 'out'), staging: join(tmp.dir, 'staging'), after });
    const written = (name: string) => readFile(join(tmp.dir, 'staging', name), 'utf8');
    const feed = JSON.parse(await written('feed.json')) as Feed;
    expect(feed.items).toHaveLength(FEED_LIMIT);
    expect(feed.items[0]!.title).toBe(`Page ${total - 1}`);
    expect(feed.items.at(-1)!.title).toBe(`Page ${total - FEED_LIMIT}`);
    expect(feed.description).toContain(`${total} pages added`);
    expect(feed.description).toContain(`newest ${FEED_LIMIT} listed; changes.json lists all`);
    expect(JSON.parse(await written('changes.json')).added).toHaveLength(total);
  });
});
