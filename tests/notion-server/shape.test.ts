import { describe, expect, it } from 'vitest';
import { compareShape, shapeOf } from './shape.js';

describe('shapeOf / compareShape', () => {
  const expected = shapeOf(
    { id: 'a', n: 1, icon: null, list: [{ x: 1 }], opt: true },
    { id: 'b', n: 2, icon: { type: 'emoji', emoji: '💡' }, list: [] },
    { id: 'b', n: 2, icon: { type: 'external', external: { url: 'u' } }, list: [] },
  );

  it.each([
    ['the same structure', { id: 'c', n: 3, icon: null, list: [{ x: 9 }] }, []],
    ['a missing required key', { n: 3, icon: null, list: [] }, ['$.id: missing']],
    ['an extra key', { id: 'c', n: 3, icon: null, list: [], more: 1 }, ['$.more: extra']],
    ['a type mismatch', { id: 1, n: 3, icon: null, list: [] }, ['$.id: type number, recorded string']],
    ['a nested problem in an array element', { id: 'c', n: 3, icon: null, list: [{ x: '1' }] }, ['$.list[0].x: type string, recorded number']],
    ['a key only some samples had (optional)', { id: 'c', n: 3, icon: { type: 'emoji' }, list: [] }, []],
    ['an unknown key inside a union member', { id: 'c', n: 3, icon: { kind: 'x' }, list: [] }, ['$.icon.type: missing', '$.icon.kind: extra']],
  ])('%s', (_name, actual, problems) => {
    expect(compareShape(expected, actual)).toEqual(problems);
  });
});
