import { describe, expect, it } from 'vitest';
import { TimestampSchema } from '../../src/normalise/schemas.js';
import { isoDate, isoTimestamp } from '../../src/normalise/timestamp.js';

describe('isoTimestamp', () => {
  it.each([
    ['a page timestamp (already the one format)', '2024-01-08T08:19:00.000Z', '2024-01-08T08:19:00.000Z'],
    ['a database timestamp (+00:00)', '2024-01-09T21:36:54.417+00:00', '2024-01-09T21:36:54.417Z'],
    ['an offset other than zero', '2024-01-09T23:36:54.417+02:00', '2024-01-09T21:36:54.417Z'],
    ['no milliseconds', '2024-01-09T21:36:54Z', '2024-01-09T21:36:54.000Z'],
    ['no seconds', '2024-01-09T21:36Z', '2024-01-09T21:36:00.000Z'],
    ['a lower-case z', '2024-01-09T21:36:54.417z', '2024-01-09T21:36:54.417Z'],
  ])('%s: %s → %s', (_, input, output) => {
    expect(isoTimestamp(input)).toBe(output);
    expect(TimestampSchema.safeParse(isoTimestamp(input)).success).toBe(true);
    expect(isoTimestamp(input)).toBe(new Date(input).toISOString());
  });

  it.each([
    ['a date without time', '2024-01-09'],
    ['a date-time without offset (would depend on the local zone)', '2024-01-09T21:36:54.417'],
    ['not a date', 'yesterday'],
    ['an impossible date', '2024-13-45T99:99:00Z'],
  ])('leaves %s unchanged', (_, input) => {
    expect(isoTimestamp(input)).toBe(input);
  });
});

describe('isoDate', () => {
  it('keeps a date-only value date-only and writes a date-time as the same instant in UTC', () => {
    expect(isoDate('2024-01-09')).toBe('2024-01-09');
    expect(isoDate('2024-02-06T17:30:00.000+01:00')).toBe('2024-02-06T16:30:00.000Z');
    expect(Date.parse(isoDate('2024-02-06T17:30:00.000+01:00'))).toBe(Date.parse('2024-02-06T17:30:00.000+01:00'));
  });
});
