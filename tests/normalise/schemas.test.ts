import { describe, expect, it } from 'vitest';
import { FileValueSchema, PageRecordSchema, SnapshotPathSchema, UserRefSchema } from '../../src/normalise/schemas.js';
import { sampleRecords } from './sample-records.js';

describe('SnapshotPathSchema', () => {
  it.each([['assets/abc.png'], ['pages/Work plan (draft).md'], ['index.json'], ['a/..b/c..d.md']])('accepts %s', (p) => {
    expect(SnapshotPathSchema.safeParse(p).success).toBe(true);
  });
  it.each([['/etc/passwd'], ['../x'], ['a/../../x'], ['a/..'], ['a\\b'], ['']])('rejects %j', (p) => {
    expect(SnapshotPathSchema.safeParse(p).success).toBe(false);
  });
});

describe('FileValueSchema', () => {
  it.each<[string, unknown, boolean]>([
    ['downloaded Notion file', { name: 'a.pdf', source: 'notion', path: 'assets/x.pdf', url: null, sha256: 'b'.repeat(64), bytes: 3, mimeType: 'application/pdf' }, true],
    ['failed Notion file', { name: 'a.pdf', source: 'notion', path: null, url: null, error: 'HTTP 403' }, true],
    ['external link', { name: 'b', source: 'external', path: null, url: 'https://example.org/b' }, true],
    ['Notion file with its signed URL', { name: 'a.pdf', source: 'notion', path: null, url: 'https://prod-files-secure.s3.amazonaws.com/a' }, false],
    ['file_upload with a URL', { name: 'a.pdf', source: 'file_upload', path: null, url: 'https://x' }, false],
  ])('%s → %s', (_name, value, ok) => {
    expect(FileValueSchema.safeParse(value).success).toBe(ok);
  });
});

describe('published key order', () => {
  it('parsing emits keys in declaration order, whatever order they were built in', () => {
    const parsed = UserRefSchema.parse({ email: 'a@example.org', type: 'person', name: 'Ada', id: '00000000-0000-4000-8000-0000000000fa' });
    expect(Object.keys(parsed)).toEqual(['id', 'name', 'type', 'email']);
  });

  it('a page record keeps the entry fields first', () => {
    const record = sampleRecords()['page-record.schema.json'];
    const shuffled = Object.fromEntries(Object.entries(record).reverse());
    expect(Object.keys(PageRecordSchema.parse(shuffled)).slice(0, 4)).toEqual(['id', 'title', 'path', 'record']);
  });
});
