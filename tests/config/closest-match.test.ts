import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/config/closest-match.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['sync', 'sync', 0],
    ['snyc', 'sync', 1],
    ['kitten', 'sitting', 3],
    ['concurency', 'concurrency', 1],
    ['root', 'out', 2],
  ])('%s ↔ %s = %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});

describe('closestMatch', () => {
  const commands = ['sync', 'verify', 'demo'];
  it.each<[string, string[], string | undefined]>([
    ['snyc', commands, 'sync'],
    ['vrify', commands, 'verify'],
    ['DEMO', commands, 'demo'],
    ['publish', commands, undefined],
    ['foo', ['root', 'out', 'json'], undefined],
    ['roots', ['root', 'out'], 'root'],
    ['baseURL', ['baseUrl', 'roots'], 'baseUrl'],
    ['concurency', ['rate', 'concurrency', 'timeoutMs'], 'concurrency'],
    ['x', [], undefined],
  ])('%s → %s', (input, candidates, expected) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });
});
