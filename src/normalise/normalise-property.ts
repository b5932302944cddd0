import type { PageObjectResponse } from '@notionhq/client';
import { assetKeys } from '../assets/asset-keys.js';
import type { NormaliseContext } from './normalise-context.js';
import { dashedId } from './notion-id.js';
import { richTextToPlain } from './rich-text-plain.js';
import { isoDate, isoTimestamp } from './timestamp.js';
import {
  KnownPropertyValueSchema,
  type DateValue,
  type FileValue,
  type KnownPropertyValue,
  type PropertyValue,
  type UnknownPropertyValue,
  type UserRef,
} from './schemas.js';

export type { NormaliseContext } from './normalise-context.js';

/** A property value of a page as the API returns it (has `id` and `type`). */
export type PagePropertyValue = PageObjectResponse['properties'][string];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A property value without its id, as rollup arrays hold them. */
type RawValue = DistributiveOmit<PagePropertyValue, 'id'>;
type RawUser = Extract<RawValue, { type: 'people' }>['people'][number];
type RawDate = { start: string; end: string | null; time_zone: string | null };

interface Scope {
  ctx: NormaliseContext;
  propertyId: string;
  /** Human-readable target for warnings: `page … → property "Name" (type)`. */
  label: string;
  /** Files of one property are keyed by a running index, also across the items of a rollup array. */
  nextFileIndex: number;
}

/**
 * One page property value → its readable form. Never throws: a type this version does not know,
 * or a shape it cannot read, becomes `{ type, unknown: true, raw }` and a warning.
 * Relations and people are taken as complete (the crawl replaces values cut at 25).
 */
export function normaliseProperty(apiValue: PagePropertyValue, ctx: NormaliseContext, name?: string): PropertyValue {
  const label = `page ${ctx.pageId} → property ${name === undefined ? apiValue.id : JSON.stringify(name)} (${String(apiValue.type)})`;
  return normaliseValue(apiValue, { ctx, propertyId: apiValue.id, label, nextFileIndex: 0 });
}

/** All properties of a page, keyed by name: the title property first, then by name (code-point order, locale-independent). */
export function normaliseProperties(properties: PageObjectResponse['properties'], ctx: NormaliseContext): Record<string, PropertyValue> {
  const names = Object.keys(properties).sort((a, b) => {
    const ta = properties[a]!.type === 'title' ? 0 : 1;
    const tb = properties[b]!.type === 'title' ? 0 : 1;
    return ta - tb || (a < b ? -1 : a > b ? 1 : 0);
  });
  const out: Record<string, PropertyValue> = {};
  for (const name of names) out[name] = normaliseProperty(properties[name]!, ctx, name);
  return out;
}

function normaliseValue(raw: RawValue, scope: Scope): PropertyValue {
  // The stand-in the privacy rules leave for a redacted value (src/privacy/privacy-policy.ts).
  if ((raw as { redacted?: unknown }).redacted === true) return { type: String(raw.type), value: null, redacted: true };
  let value: KnownPropertyValue | undefined;
  try {
    value = readValue(raw, scope);
  } catch (error) {
    return unknownValue(raw, scope, 'unreadable_property', `cannot read this value: ${(error as Error).message}`);
  }
  if (value === undefined) {
    return unknownValue(raw, scope, 'unknown_property_type', 'property type not known to this notion-kb version; kept verbatim');
  }
  // The published contract is the schema; anything that would break it is kept verbatim instead.
  const checked = KnownPropertyValueSchema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return unknownValue(raw, scope, 'unreadable_property', `unexpected shape at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return value;
}

function unknownValue(raw: RawValue, scope: Scope, code: string, reason: string): UnknownPropertyValue {
  scope.ctx.warn(code, `${scope.label}: ${reason}`);
  const { id: _id, ...rest } = raw as RawValue & { id?: string };
  return { type: String(raw.type), unknown: true, raw: withoutExpiringUrls(rest) };
}

/** undefined = a type this version does not know. */
function readValue(raw: RawValue, scope: Scope): KnownPropertyValue | undefined {
  const { ctx } = scope;
  switch (raw.type) {
    case 'title':
      return { type: 'title', value: text(raw.title, scope) };
    case 'rich_text':
      return { type: 'rich_text', value: text(raw.rich_text, scope) };
    case 'number':
      return { type: 'number', value: raw.number };
    case 'select':
      return { type: 'select', value: raw.select && { name: raw.select.name, color: raw.select.color } };
    case 'multi_select':
      return { type: 'multi_select', value: raw.multi_select.map((o) => ({ name: o.name, color: o.color })) };
    case 'status':
      return { type: 'status', value: raw.status && { name: raw.status.name, color: raw.status.color } };
    case 'date':
      return { type: 'date', value: date(raw.date) };
    case 'people':
      return { type: 'people', value: raw.people.map((u) => userRef(u, ctx)) };
    case 'files':
      return { type: 'files', value: raw.files.map((f) => file(f, scope)) };
    case 'checkbox':
      return { type: 'checkbox', value: raw.checkbox };
    case 'url':
      return { type: 'url', value: raw.url };
    case 'email':
      return { type: 'email', value: raw.email };
    case 'phone_number':
      return { type: 'phone_number', value: raw.phone_number };
    case 'formula':
      return { type: 'formula', value: formula(raw.formula, scope) };
    case 'relation': {
      if ((raw as { has_more?: boolean }).has_more === true) {
        ctx.warn('relation_truncated', `${scope.label}: Notion cut the relation at ${raw.relation.length} items and the full list was not fetched`);
      }
      return { type: 'relation', value: raw.relation.map((r) => ({ id: dashedId(r.id) ?? r.id, path: ctx.pathOf(r.id) })) };
    }
    case 'rollup':
      return { type: 'rollup', value: rollup(raw.rollup, scope) };
    case 'created_time':
      return { type: 'created_time', value: isoTimestamp(raw.created_time) };
    case 'created_by':
      return { type: 'created_by', value: userRef(raw.created_by, ctx) };
    case 'last_edited_time':
      return { type: 'last_edited_time', value: isoTimestamp(raw.last_edited_time) };
    case 'last_edited_by':
      return { type: 'last_edited_by', value: userRef(raw.last_edited_by, ctx) };
    case 'unique_id': {
      const { prefix, number } = raw.unique_id;
      const text = number === null ? null : prefix ? `${prefix}-${number}` : String(number);
      return { type: 'unique_id', value: { prefix, number, text } };
    }
    case 'verification': {
      const v = raw.verification;
      return {
        type: 'verification',
        value: v && { state: v.state, verifiedBy: v.verified_by && userRef(v.verified_by, ctx), date: date(v.date) },
      };
    }
    case 'button':
      return { type: 'button', value: null };
    case 'place': {
      const p = raw.place;
      return {
        type: 'place',
        value: p && {
          lat: p.lat,
          lon: p.lon,
          name: p.name ?? null,
          address: p.address ?? null,
          googlePlaceId: p.google_place_id ?? null,
          awsPlaceId: p.aws_place_id ?? null,
        },
      };
    }
    default: {
      // Compile-time check that every SDK property type has a case above.
      const _exhaustive: never = raw;
      return undefined;
    }
  }
}

function text(items: Parameters<typeof richTextToPlain>[0], scope: Scope) {
  const markdown = scope.ctx.richTextMarkdown(items, (reason) => scope.ctx.warn('expiring_url_dropped', `${scope.label}: ${reason}`));
  return { text: richTextToPlain(items), markdown };
}

function date(d: RawDate | null): DateValue | null {
  // Date-times in UTC like every timestamp of the archive; date-only values stay date-only.
  return d && { start: isoDate(d.start), end: d.end === null ? null : isoDate(d.end), timeZone: d.time_zone };
}

function userRef(u: RawUser, ctx: NormaliseContext): UserRef {
  const id = dashedId(u.id) ?? u.id;
  if (u.object === 'group') return { id, name: u.name ?? null, type: 'group' };
  const known = ctx.user(id);
  const full = 'type' in u ? u : undefined;
  const ref: UserRef = {
    id,
    name: full?.name ?? known?.name ?? null,
    type: full?.type ?? known?.type ?? null,
  };
  const email = (full?.type === 'person' ? full.person.email : undefined) ?? known?.email;
  if (email !== undefined) ref.email = email;
  return ref;
}

type RawFile = Extract<RawValue, { type: 'files' }>['files'][number];

function file(f: RawFile, scope: Scope): FileValue {
  const key = assetKeys.property(scope.ctx.pageId, scope.propertyId, scope.nextFileIndex++);
  const request: { name: string; type: string; external?: { url: string } } = { name: f.name, type: f.type };
  if (f.type === 'external') request.external = { url: f.external.url };
  const result = scope.ctx.file(key, request);
  if (result.source !== 'external' && result.url !== null) {
    // Belt and braces: a Notion-hosted URL expires within the hour and must never be published.
    scope.ctx.warn('expiring_url_dropped', `${scope.label}: file "${f.name}" came back with a Notion-hosted URL; dropped`);
    return { ...result, url: null };
  }
  return result;
}

type RawFormula = Extract<RawValue, { type: 'formula' }>['formula'];

function formula(f: RawFormula, scope: Scope): Extract<KnownPropertyValue, { type: 'formula' }>['value'] {
  switch (f.type) {
    case 'string':
      return { type: 'string', value: f.string };
    case 'number':
      return { type: 'number', value: f.number };
    case 'boolean':
      return { type: 'boolean', value: f.boolean };
    case 'date':
      return { type: 'date', value: date(f.date) };
    case 'unsupported':
      scope.ctx.warn('formula_unsupported', `${scope.label}: Notion does not return this formula's result through the API`);
      return { type: 'unsupported', value: null };
    default:
      throw new Error(`formula result type ${JSON.stringify((f as { type: unknown }).type)} not known`);
  }
}

type RawRollup = Extract<RawValue, { type: 'rollup' }>['rollup'];

function rollup(r: RawRollup, scope: Scope): Extract<KnownPropertyValue, { type: 'rollup' }>['value'] {
  const fn = r.function;
  switch (r.type) {
    case 'number':
      return { type: 'number', function: fn, value: r.number };
    case 'date':
      return { type: 'date', function: fn, value: date(r.date) };
    case 'array':
      return { type: 'array', function: fn, value: r.array.map((item) => normaliseValue(item as RawValue, scope)) };
    case 'unsupported':
      scope.ctx.warn('rollup_unsupported', `${scope.label}: Notion does not return this rollup's result through the API`);
      return { type: 'unsupported', function: fn, value: null };
    default:
      throw new Error(`rollup result type ${JSON.stringify((r as { type: unknown }).type)} not known`);
  }
}

/**
 * Deep copy without Notion-hosted signed URLs: any object carrying `expiry_time` loses its `url`.
 * Verbatim fallbacks end up in published records, where an expiring URL is a dead link.
 */
export function withoutExpiringUrls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutExpiringUrls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const signed = 'expiry_time' in value;
  for (const [k, v] of Object.entries(value)) {
    if (signed && (k === 'url' || k === 'expiry_time')) continue;
    out[k] = withoutExpiringUrls(v);
  }
  return out;
}
