/**
 * Structural comparison of JSON: which keys an object kind has and what type each value is,
 * learnt from many samples (the union of the recorded fixtures), then checked against an answer.
 * Values are never compared, only structure, so ids, texts and timestamps may differ freely.
 */

export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'object' | 'array';

/** The learnt structure of one JSON position. */
export interface Shape {
  types: Set<JsonType>;
  /** How many object samples were seen here (to tell required keys from optional ones). */
  objectSamples: number;
  keys: Map<string, { shape: Shape; present: number }>;
  items: Shape | null;
}

export function emptyShape(): Shape {
  return { types: new Set(), objectSamples: 0, keys: new Map(), items: null };
}

export function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/** Adds one sample to a shape (the union grows). */
export function addSample(shape: Shape, value: unknown): Shape {
  const t = typeOf(value);
  shape.types.add(t);
  if (t === 'object') {
    shape.objectSamples++;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const entry = shape.keys.get(k) ?? { shape: emptyShape(), present: 0 };
      entry.present++;
      addSample(entry.shape, v);
      shape.keys.set(k, entry);
    }
  } else if (t === 'array') {
    shape.items ??= emptyShape();
    for (const item of value as unknown[]) addSample(shape.items, item);
  }
  return shape;
}

/** The shape of a set of samples. */
export function shapeOf(...samples: unknown[]): Shape {
  const s = emptyShape();
  for (const x of samples) addSample(s, x);
  return s;
}

/**
 * Every difference of `actual` from `expected`, as `path: problem` lines:
 * keys the samples always had but `actual` lacks (missing), keys no sample had (extra),
 * and values of a type no sample had. Keys seen in only some samples are optional.
 */
/**
 * Picks a different expected shape for a value at a key (`key` is null for array elements);
 * used for positions that are unions across the whole API (rich text items, parents, icons, users),
 * where the samples of one kind alone are too few to know every variant.
 */
export type ShapeOverride = (key: string | null, value: unknown) => Shape | undefined;

export function compareShape(expected: Shape, actual: unknown, path = '$', override?: ShapeOverride): string[] {
  const problems: string[] = [];
  const t = typeOf(actual);
  if (!expected.types.has(t)) {
    problems.push(`${path}: type ${t}, recorded ${[...expected.types].join('|') || 'nothing'}`);
    return problems;
  }
  if (t === 'object') {
    const obj = actual as Record<string, unknown>;
    for (const [k, { present }] of expected.keys) {
      if (present === expected.objectSamples && !(k in obj)) problems.push(`${path}.${k}: missing`);
    }
    for (const [k, v] of Object.entries(obj)) {
      const entry = expected.keys.get(k);
      if (!entry) problems.push(`${path}.${k}: extra`);
      else problems.push(...compareShape(override?.(k, v) ?? entry.shape, v, `${path}.${k}`, override));
    }
  } else if (t === 'array' && expected.items && expected.items.types.size > 0) {
    (actual as unknown[]).forEach((item, i) =>
      problems.push(...compareShape(override?.(null, item) ?? expected.items!, item, `${path}[${i}]`, override)),
    );
  }
  return problems;
}
