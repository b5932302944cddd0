/** Canonical JSON: two-space indent, trailing newline; key order is the order objects are built in. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

/** An array written one item at a time by `canonicalJsonChunks`: its items are never all held. */
export class JsonList {
  constructor(readonly items: Source<unknown>) {}
}

/** An object written one entry at a time by `canonicalJsonChunks` (entries whose value is undefined are left out, as JSON.stringify does). */
export class JsonEntries {
  constructor(readonly entries: Source<readonly [string, unknown]>) {}
}

/** A JsonList or JsonEntries, or a plain object or array with one somewhere inside. */
function holdsLazy(v: unknown): boolean {
  if (v instanceof JsonList || v instanceof JsonEntries) return true;
  if (v === null || typeof v !== 'object') return false;
  return (Array.isArray(v) ? v : Object.values(v)).some(holdsLazy);
}

/**
 * The same text as `canonicalJson(value)`, in pieces, for documents too large to build as one
 * string (index.json, changes.json, the manifest of a large wiki): a `JsonList` or `JsonEntries`
 * anywhere in `value` (in plain objects and arrays) is read one item at a time; every other
 * value is written by JSON.stringify, so the two can never differ in format.
 */
export async function* canonicalJsonChunks(value: unknown): AsyncGenerator<string> {
  yield* chunksOf(value, '');
  yield '\n';
}

async function* chunksOf(value: unknown, indent: string): AsyncGenerator<string> {
  if (value instanceof JsonList) return yield* listChunks(value.items, indent);
  if (value instanceof JsonEntries) return yield* entryChunks(value.entries, indent);
  if (holdsLazy(value)) return yield* Array.isArray(value) ? listChunks(value, indent) : entryChunks(Object.entries(value as object), indent);
  yield plainJson(value, indent);
}

/** A value holding nothing lazy, as JSON.stringify lays it out, at `indent`. */
function plainJson(value: unknown, indent: string): string {
  // Inside JSON text a newline is always the layout's (string contents escape theirs).
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
}

/**
 * Text of plain items gathered before it is handed on: a list of tens of thousands of small
 * items (a manifest, index.json) goes out in pieces of this size, not two pieces per item
 * through every generator above it.
 */
const GATHER_CHARS = 16 * 1024;

async function* listChunks(items: Source<unknown>, indent: string): AsyncGenerator<string> {
  // As JSON.stringify writes array holes, undefined and functions.
  yield* membersChunks(items, (item) => ['', item === undefined || typeof item === 'function' ? null : item], indent, '[', ']');
}

async function* entryChunks(entries: Source<readonly [string, unknown]>, indent: string): AsyncGenerator<string> {
  yield* membersChunks(entries, ([key, item]) => (item === undefined || typeof item === 'function' ? null : [`${JSON.stringify(key)}: `, item]), indent, '{', '}');
}

/**
 * The members of an array or object, each as what goes before its value (a key, or nothing) and
 * the value (null: left out), plain ones gathered.
 */
async function* membersChunks<T>(source: Source<T>, member: (x: T) => readonly [string, unknown] | null, indent: string, open: string, close: string): AsyncGenerator<string> {
  const inner = `${indent}  `;
  let first = true;
  let gathered = '';
  for await (const x of source) {
    const m = member(x);
    if (!m) continue;
    const [key, item] = m;
    const head = `${first ? open : ','}\n${inner}${key}`;
    first = false;
    if (holdsLazy(item)) {
      if (gathered) yield gathered;
      gathered = '';
      yield head;
      yield* chunksOf(item, inner);
      continue;
    }
    gathered += head + plainJson(item, inner);
    if (gathered.length >= GATHER_CHARS) {
      yield gathered;
      gathered = '';
    }
  }
  yield `${gathered}${first ? `${open}${close}` : `\n${indent}${close}`}`;
}
