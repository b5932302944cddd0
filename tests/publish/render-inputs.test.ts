import type { UserObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { fileAnswer, LookupRecorder, renderInputs, sameInputs, stableJson, userAnswer, type RenderAnswers } from '../../src/publish/render-inputs.js';

const world = (titles: Record<string, string>, users: Record<string, string> = {}): RenderAnswers => ({
  id: (id) => JSON.stringify(titles[id] ?? null),
  user: (id) => userAnswer(users[id] ? ({ id, type: 'person', name: users[id], person: {} } as UserObjectResponse) : undefined),
  file: () => 'null',
});

describe('render inputs', () => {
  const own = { key: 'v1', digest: 'sha256:1', location: { markdown: 'pages/a.md', record: 'records/a.json' } };

  it('are the same while every answer is, in whatever order the lookups came', () => {
    const before = renderInputs(own, { ids: ['b', 'a', 'b'], users: ['u1'] }, world({ a: 'A', b: 'B', c: 'C' }, { u1: 'Ann' }));
    expect(before.ids).toEqual(['a', 'b']);
    expect(before.hash).toMatch(/^[0-9a-f]{32}$/);
    // Another title of a page it did not look up: still the same.
    expect(sameInputs(before, { location: own.location, digest: 'sha256:1', key: 'v1' }, world({ a: 'A', b: 'B', c: 'C, renamed' }, { u1: 'Ann' }))).toBe(true);
  });

  it('differ when an answer, its own content or the render key changes', () => {
    const before = renderInputs(own, { ids: ['a', 'b'], users: ['u1'] }, world({ a: 'A', b: 'B' }, { u1: 'Ann' }));
    expect(sameInputs(before, own, world({ a: 'A', b: 'B2' }, { u1: 'Ann' }))).toBe(false);
    expect(sameInputs(before, own, world({ a: 'A', b: 'B' }, { u1: 'Anna' }))).toBe(false);
    expect(sameInputs(before, own, world({ a: 'A' }, { u1: 'Ann' }))).toBe(false);
    expect(sameInputs(before, { ...own, digest: 'sha256:2' }, world({ a: 'A', b: 'B' }, { u1: 'Ann' }))).toBe(false);
    expect(sameInputs(before, { ...own, key: 'v2' }, world({ a: 'A', b: 'B' }, { u1: 'Ann' }))).toBe(false);
  });

  it('records every lookup of a render: titles, users (get and has), files', () => {
    const asked = new LookupRecorder();
    const users = asked.usersMap(new Map([['u1', { id: 'u1', type: 'person', name: 'Ann', person: {} } as UserObjectResponse]]));
    expect(users.get('u1')?.name).toBe('Ann');
    expect(users.has('u2')).toBe(false);
    expect(users.size).toBe(1);
    expect([...users.keys()]).toEqual(['u1']);
    asked.titleOf(() => 'T')('p1');
    asked.assets(() => undefined)('k1');
    expect([...asked.users]).toEqual(['u1', 'u2']);
    expect([...asked.ids]).toEqual(['p1']);
    expect([...asked.files]).toEqual(['k1']);
  });

  it('answers a stored file by what a render shows of it, whatever its key order', () => {
    const asset = { path: 'assets/x.png', sha256: 'ab', bytes: 3, mimeType: 'image/png' };
    const a = fileAnswer({ kind: 'stored', ref: { name: 'x.png' }, asset } as never);
    const b = fileAnswer({ kind: 'stored', ref: { name: 'x.png' }, asset: { mimeType: 'image/png', bytes: 3, sha256: 'ab', path: 'assets/x.png' } } as never);
    expect(a).toBe(b);
    expect(fileAnswer({ kind: 'missing', ref: { name: 'x.png' }, reason: 'gone' })).not.toBe(a);
    expect(stableJson({ b: 1, a: [{ d: 1, c: undefined }] })).toBe('{"a":[{"d":1}],"b":1}');
  });
});
