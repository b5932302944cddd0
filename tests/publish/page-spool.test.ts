import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageSpool } from '../../src/publish/page-spool.js';
import type { CrawledPage } from '../../src/source/crawl-types.js';
import { tempDir } from '../support/cli.js';

const unit = (id: string, words: string): CrawledPage =>
  ({
    page: { object: 'page', id, properties: {}, parent: { type: 'workspace', workspace: true } },
    blocks: [{ object: 'block', id: `${id}-b`, type: 'paragraph', paragraph: { rich_text: [{ type: 'text', text: { content: words, link: null }, plain_text: words }] }, has_children: false, children: [] }],
  }) as unknown as CrawledPage;

describe('PageSpool.compact', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('notion-kb-spool-');
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('keeps each page\'s current entry only: an entry replaced by a later put leaves the file', async () => {
    const file = join(tmp.dir, 'pages.spool');
    const spool = await PageSpool.create(file);
    await spool.put(unit('a', 'first form of A, with a SECRETWORD'));
    await spool.put(unit('b', 'page B'));
    await spool.put(unit('a', 'second form of A'));
    expect(await readFile(file, 'utf8')).toContain('SECRETWORD');
    const digestOfB = spool.location('b')!.digest;
    await spool.compact();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('SECRETWORD');
    expect(text.length).toBe(spool.location('a')!.length + spool.location('b')!.length);
    expect(JSON.stringify((await spool.get('a')).blocks)).toContain('second form of A');
    expect(JSON.stringify((await spool.get('b')).blocks)).toContain('page B');
    expect(spool.location('b')!.digest).toBe(digestOfB);
    // Still a working spool: more pages go after the compacted ones.
    await spool.put(unit('c', 'page C'));
    expect(JSON.stringify((await spool.get('c')).blocks)).toContain('page C');
    await spool.close();
    const bytes = await readFile(file);
    const at = spool.location('b')!;
    expect(bytes.subarray(at.offset, at.offset + at.length).toString('utf8')).toContain('page B');
  });
});
