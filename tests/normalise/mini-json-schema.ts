/**
 * A small JSON Schema 2020-12 validator for the keywords zod emits, used only to check that the
 * shipped JSON Schema and the zod schemas agree (no validator package is installed). It refuses
 * any keyword it does not implement, so a schema using more than this is noticed, not waved through.
 */
type Schema = boolean | Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description', 'format', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'x-schema-version']);
const ASSERTIONS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'not', '$ref',
  'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'propertyNames',
]);

/** Keywords a schema tree uses that are not implemented here; [] when the validator covers it. */
export function unsupportedKeywords(root: Schema): string[] {
  const found = new Set<string>();
  walkSchemas(root, (s) => {
    for (const k of Object.keys(s)) if (!ANNOTATIONS.has(k) && !ASSERTIONS.has(k)) found.add(k);
  });
  return [...found];
}

/** Calls `visit` for every subschema (not for values of const/enum/default). */
export function walkSchemas(schema: Schema, visit: (s: Record<string, unknown>) => void): void {
  if (typeof schema !== 'object' || schema === null) return;
  visit(schema);
  const sub = (x: unknown) => walkSchemas(x as Schema, visit);
  for (const key of ['items', 'additionalProperties', 'not', 'propertyNames']) if (key in schema) sub(schema[key]);
  for (const key of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach(sub);
  for (const key of ['properties', '$defs']) if (schema[key]) Object.values(schema[key] as object).forEach(sub);
}

/** Errors of `value` against `root` (empty when valid). */
export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, root, value, '$', errors);
  return errors;
}

function resolve(root: Schema, ref: string): Schema {
  if (ref === '#') return root;
  const m = /^#\/\$defs\/(.+)$/.exec(ref);
  const target = m && typeof root === 'object' ? (root.$defs as Record<string, Schema> | undefined)?.[m[1]!] : undefined;
  if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return target;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function check(root: Schema, schema: Schema, v: unknown, at: string, errors: string[]): void {
  if (schema === true) return;
  if (schema === false) return void errors.push(`${at}: false schema`);
  const s = schema;
  const bad = unsupportedKeywords({ ...s, properties: undefined, $defs: undefined });
  if (bad.length) throw new Error(`unsupported keywords ${bad.join(', ')}`);
  if (typeof s.$ref === 'string') check(root, resolve(root, s.$ref), v, at, errors);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) errors.push(`${at}: expected ${types.join('|')}, got ${t}`);
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(v)) errors.push(`${at}: expected const ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) errors.push(`${at}: not in enum`);
  if (typeof v === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${at}: does not match ${s.pattern}`);
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) errors.push(`${at}: too short`);
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) errors.push(`${at}: too long`);
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${at}: < minimum`);
    if (typeof s.maximum === 'number' && v > s.maximum) errors.push(`${at}: > maximum`);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) errors.push(`${at}: <= exclusiveMinimum`);
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) errors.push(`${at}: >= exclusiveMaximum`);
  }
  if (Array.isArray(v)) {
    if (s.items !== undefined) v.forEach((item, i) => check(root, s.items as Schema, item, `${at}[${i}]`, errors));
    if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${at}: too few items`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) errors.push(`${at}: too many items`);
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of (s.required ?? []) as string[]) if (!(key in o)) errors.push(`${at}: missing ${key}`);
    for (const [key, val] of Object.entries(o)) {
      if (s.propertyNames !== undefined) check(root, s.propertyNames as Schema, key, `${at}{${key}}`, errors);
      if (key in props) check(root, props[key]!, val, `${at}.${key}`, errors);
      else if (s.additionalProperties !== undefined) check(root, s.additionalProperties as Schema, val, `${at}.${key}`, errors);
    }
  }
  const passes = (sub: Schema) => {
    const e: string[] = [];
    check(root, sub, v, at, e);
    return e.length === 0;
  };
  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(root, sub, v, at, errors);
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some(passes)) errors.push(`${at}: matches no anyOf branch`);
  if (Array.isArray(s.oneOf) && (s.oneOf as Schema[]).filter(passes).length !== 1) errors.push(`${at}: must match exactly one oneOf branch`);
  if (s.not !== undefined && passes(s.not as Schema)) errors.push(`${at}: matches not`);
}
