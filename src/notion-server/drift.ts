/**
 * API drift for tests: real responses differ from the documentation, and fields come and go
 * between API versions. A drift transform sees every object of a response by kind, after the
 * server built it and before it is sent, and may return a changed copy (keys removed, unknown
 * keys added, types changed). `driftRules` builds one from a declarative list.
 */

/** The kinds of object a response is made of. */
export type DriftKind =
  | 'page'
  | 'database'
  | 'data_source'
  | 'block'
  | 'user'
  /** A value in a page's `properties`. */
  | 'property_value'
  /** An item of GET /v1/pages/:id/properties/:pid (or a list's `property_item`). */
  | 'property_item'
  /** A property configuration in a data source's `properties`. */
  | 'property_schema'
  /** A file object: `{ type: "file" | "external" | "file_upload", … }` (icons, covers, media, files values). */
  | 'file'
  | 'rich_text';

type Obj = Record<string, unknown>;

/** Returns the object to send instead (or the same one); it receives a copy it may change. */
export type DriftTransform = (kind: DriftKind, object: Obj) => Obj;

/** One declarative drift: on every object of `kind` that `where` accepts, in this order: omit, add, set type. */
export interface DriftRule {
  kind: DriftKind;
  where?: (object: Obj) => boolean;
  /** Keys removed. */
  omit?: string[];
  /** Keys added or replaced (e.g. unknown fields, or `null` for a key). */
  add?: Obj;
  /** A new `type`; the payload under the old type's key moves to the new one. */
  setType?: string;
}

/** A transform applying every matching rule in order. */
export function driftRules(rules: readonly DriftRule[]): DriftTransform {
  return (kind, object) => {
    let out = object;
    for (const rule of rules) {
      if (rule.kind !== kind || (rule.where && !rule.where(out))) continue;
      out = { ...out };
      for (const key of rule.omit ?? []) delete out[key];
      Object.assign(out, structuredClone(rule.add ?? {}));
      if (rule.setType !== undefined && typeof out.type === 'string') {
        const payload = out[out.type];
        delete out[out.type];
        out.type = rule.setType;
        if (payload !== undefined) out[rule.setType] = payload;
      }
    }
    return out;
  };
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const FILE_TYPES = new Set(['file', 'external', 'file_upload']);
const TOP_KINDS: Record<string, DriftKind> = {
  page: 'page',
  database: 'database',
  data_source: 'data_source',
  block: 'block',
  user: 'user',
  property_item: 'property_item',
};

/** The kind of an object from its own shape; `property_value` and `property_schema` come from the position. */
function kindOf(o: Obj): DriftKind | undefined {
  if (typeof o.object === 'string' && TOP_KINDS[o.object]) return TOP_KINDS[o.object];
  if ('plain_text' in o && 'annotations' in o) return 'rich_text';
  if (typeof o.type === 'string' && FILE_TYPES.has(o.type) && isObj(o[o.type])) return 'file';
  return undefined;
}

/** Applies the transform to every object of a response, outermost first, then to what the result contains. */
export function applyDrift(value: unknown, transform: DriftTransform, positional?: DriftKind): unknown {
  if (Array.isArray(value)) return value.map((v) => applyDrift(v, transform));
  if (!isObj(value)) return value;
  const kind = positional ?? kindOf(value);
  const own = kind ? transform(kind, structuredClone(value)) : value;
  const kindHere = kind ?? kindOf(own);
  const out: Obj = {};
  for (const [key, v] of Object.entries(own)) {
    if (key === 'properties' && isObj(v) && (kindHere === 'page' || kindHere === 'data_source')) {
      const inner: DriftKind = kindHere === 'page' ? 'property_value' : 'property_schema';
      out[key] = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, applyDrift(p, transform, isObj(p) ? inner : undefined)]));
    } else if (key === 'property_item' && isObj(v)) {
      out[key] = applyDrift(v, transform, 'property_item');
    } else {
      out[key] = applyDrift(v, transform);
    }
  }
  return out;
}
