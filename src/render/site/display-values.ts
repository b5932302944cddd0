// How the offline site shows values, pure: numbers in their property's number_format (through
// Intl.NumberFormat, as Notion shows them), readable dates, people by name, checkboxes as ✓, and
// long lists cut to a few entries with the rest one click away. The JSON and CSV keep the exact
// values; this is only what a reader sees. One fixed locale and time zones from the values
// themselves (UTC otherwise), so that the same snapshot gives the same site bytes on any machine.
import type { DateValue, PropertySchema, PropertyValue, UserRef } from '../../normalise/schemas.js';
import { escapeHtml } from './escape-html.js';

const LOCALE = 'en-US';

/** Notion's currency number formats (API `number.format`) → ISO 4217 codes. */
export const NUMBER_FORMAT_CURRENCIES: Readonly<Record<string, string>> = {
  dollar: 'USD',
  australian_dollar: 'AUD',
  canadian_dollar: 'CAD',
  singapore_dollar: 'SGD',
  euro: 'EUR',
  pound: 'GBP',
  yen: 'JPY',
  ruble: 'RUB',
  rupee: 'INR',
  won: 'KRW',
  yuan: 'CNY',
  real: 'BRL',
  lira: 'TRY',
  rupiah: 'IDR',
  franc: 'CHF',
  hong_kong_dollar: 'HKD',
  new_zealand_dollar: 'NZD',
  krona: 'SEK',
  norwegian_krone: 'NOK',
  mexican_peso: 'MXN',
  rand: 'ZAR',
  new_taiwan_dollar: 'TWD',
  danish_krone: 'DKK',
  zloty: 'PLN',
  baht: 'THB',
  forint: 'HUF',
  koruna: 'CZK',
  shekel: 'ILS',
  chilean_peso: 'CLP',
  philippine_peso: 'PHP',
  dirham: 'AED',
  colombian_peso: 'COP',
  riyal: 'SAR',
  ringgit: 'MYR',
  leu: 'RON',
  argentine_peso: 'ARS',
  uruguayan_peso: 'UYU',
  peruvian_sol: 'PEN',
};

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(LOCALE, options)));
  return f;
}

/**
 * A number as Notion shows it in the property's format: `number` plain (412500),
 * `number_with_commas` grouped (412,500), `percent` as a percentage of 1 (0.85 → 85%), a
 * currency with its symbol and grouping (€412,500; cents only when the value has them). An
 * unknown or missing format shows the number plainly.
 */
export function formatNumber(value: number, format: string | null | undefined): string {
  if (!Number.isFinite(value)) return String(value);
  const integer = Number.isInteger(value);
  const currency = format ? NUMBER_FORMAT_CURRENCIES[format] : undefined;
  if (currency) {
    return integer
      ? numberFormat(`${currency}:int`, { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(value)
      : numberFormat(currency, { style: 'currency', currency }).format(value);
  }
  if (format === 'percent') return numberFormat('percent', { style: 'percent', maximumFractionDigits: 2 }).format(value);
  if (format === 'number_with_commas') return numberFormat('commas', { maximumFractionDigits: 20 }).format(value);
  return numberFormat('plain', { useGrouping: false, maximumFractionDigits: 20 }).format(value);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}:${withTime}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' } : {}),
    } as Intl.DateTimeFormatOptions);
    dateFormats.set(key, f);
  }
  return f;
}

function zoneOrUtc(timeZone: string | null): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/**
 * A date or range as a reader expects it: "Feb 13, 2024", "Feb 13 – 14, 2024"; a time only when
 * the value has one ("Jan 8, 2024, 17:42 UTC", in the zone it was entered in when known). A
 * value that is not a date is shown as it is.
 */
export function formatDate(d: DateValue): string {
  const withTime = !DATE_ONLY.test(d.start) || (d.end !== null && !DATE_ONLY.test(d.end));
  const start = new Date(DATE_ONLY.test(d.start) ? `${d.start}T00:00:00Z` : d.start);
  const end = d.end === null ? null : new Date(DATE_ONLY.test(d.end) ? `${d.end}T00:00:00Z` : d.end);
  if (Number.isNaN(start.getTime()) || (end && Number.isNaN(end.getTime()))) return d.end === null ? d.start : `${d.start} → ${d.end}`;
  const f = dateFormat(withTime ? zoneOrUtc(d.timeZone) : 'UTC', withTime);
  const text = end ? f.formatRange(start, end) : f.format(start);
  // Intl puts narrow and thin spaces around the range dash; plain spaces copy and search better.
  return text.replace(/[\u2009\u202f]/g, ' ');
}

/** A timestamp (created, last edited) as a date and time in UTC. */
export function formatTimestamp(iso: string): string {
  return formatDate({ start: iso, end: null, timeZone: null });
}

/** A timestamp as a date alone ("Jan 8, 2024"), for "last edited" lines. */
export function formatDay(iso: string): string {
  return DATE_ONLY.test(iso.slice(0, 10)) ? formatDate({ start: iso.slice(0, 10), end: null, timeZone: null }) : iso;
}

/** What the site needs to show a value on one of its pages. */
export interface ValueContext {
  /** The href of a snapshot file (page Markdown, asset) from the page being written; null when it has no page in the site. */
  href(snapshotPath: string): string | null;
  /** The title of an exported page, or null. */
  titleOf(id: string): string | null;
  /** Rich text Markdown (snapshot-relative links) as inline HTML. */
  inlineMarkdown(markdown: string): string;
}

/** Lists longer than this show their first LIST_SHOWN entries and "+ N more". */
export const LIST_LIMIT = 5;
export const LIST_SHOWN = 3;

/** A list of entries (already HTML): whole when short, else the first few and "+ N more" opening the rest. */
export function listHtml(items: readonly string[]): string {
  if (items.length <= LIST_LIMIT) return items.join(' ');
  const more = items.length - LIST_SHOWN;
  return `<details class="more"><summary>${items.slice(0, LIST_SHOWN).join(' ')} <span class="more-count">+ ${more} more</span></summary>${items.slice(LIST_SHOWN).join(' ')}</details>`;
}

const chip = (html: string, color?: string) => `<span class="chip${color && color !== 'default' ? ` c-${escapeHtml(color)}` : ''}">${html}</span>`;
const muted = (text: string) => `<span class="muted">${escapeHtml(text)}</span>`;
const userName = (u: UserRef) => u.name ?? `user ${u.id.slice(0, 8)}`;
const link = (href: string, text: string, cls = '') => `<a${cls ? ` class="${cls}"` : ''} href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
const EXTERNAL = /^(?:https?|mailto|tel):/i;

/** A value shown in a table cell or a page's property list, as HTML; the schema gives a number its format. */
export function valueHtml(value: PropertyValue, schema: PropertySchema | undefined, ctx: ValueContext): string {
  if ('unknown' in value) return muted(JSON.stringify(value.raw) ?? '');
  if ('redacted' in value) return '';
  switch (value.type) {
    case 'title':
    case 'rich_text':
      return ctx.inlineMarkdown(value.value.markdown);
    case 'number':
      return value.value === null ? '' : escapeHtml(formatNumber(value.value, schema && 'format' in schema ? schema.format : undefined));
    case 'select':
    case 'status':
      return value.value ? chip(escapeHtml(value.value.name), value.value.color) : '';
    case 'multi_select':
      return listHtml(value.value.map((o) => chip(escapeHtml(o.name), o.color)));
    case 'date':
      return value.value ? escapeHtml(formatDate(value.value)) : '';
    case 'people':
      return listHtml(value.value.map((u) => chip(escapeHtml(userName(u)))));
    case 'files':
      return listHtml(
        value.value.map((f) => {
          const href = f.path ? ctx.href(f.path) : f.url && EXTERNAL.test(f.url) ? f.url : null;
          return chip(href ? link(href, f.name) : `${escapeHtml(f.name)} ${muted('(not available)')}`);
        }),
      );
    case 'checkbox':
      return value.value ? '<span class="check" title="Yes">✓</span>' : '';
    case 'url':
      return value.value ? (EXTERNAL.test(value.value) ? link(value.value, value.value.replace(/^https?:\/\/(www\.)?/i, '').replace(/\/$/, ''), 'url') : escapeHtml(value.value)) : '';
    case 'email':
      return value.value ? link(`mailto:${value.value}`, value.value) : '';
    case 'phone_number':
      return value.value ? `<span class="nowrap">${escapeHtml(value.value)}</span>` : '';
    case 'formula': {
      const f = value.value;
      if (f.value === null) return '';
      if (f.type === 'number') return escapeHtml(formatNumber(f.value, 'number_with_commas'));
      if (f.type === 'boolean') return f.value ? '<span class="check" title="Yes">✓</span>' : '';
      if (f.type === 'date') return escapeHtml(formatDate(f.value));
      return escapeHtml(String(f.value));
    }
    case 'relation':
      return listHtml(
        value.value.map((r) => {
          const title = ctx.titleOf(r.id);
          const href = r.path ? ctx.href(r.path) : null;
          return chip(href ? link(href, title || 'Untitled') : muted(title ?? 'a page outside the archive'));
        }),
      );
    case 'rollup': {
      const r = value.value;
      if (r.type === 'array') return listHtml(r.value.map((item) => valueHtml(item, undefined, ctx)).filter((html) => html !== ''));
      if (r.type === 'unsupported' || r.value === null) return '';
      if (r.type === 'date') return escapeHtml(formatDate(r.value));
      return escapeHtml(formatNumber(r.value, 'number_with_commas'));
    }
    case 'created_time':
    case 'last_edited_time':
      return escapeHtml(formatTimestamp(value.value));
    case 'created_by':
    case 'last_edited_by':
      return chip(escapeHtml(userName(value.value)));
    case 'unique_id':
      return escapeHtml(value.value.text ?? '');
    case 'verification': {
      const v = value.value;
      if (v === null) return '';
      const by = v.verifiedBy ? ` by ${userName(v.verifiedBy)}` : '';
      const until = v.date?.end ? ` until ${formatDate({ start: v.date.end, end: null, timeZone: v.date.timeZone })}` : v.date ? `, ${formatDate(v.date)}` : '';
      return escapeHtml(`${v.state === 'verified' ? '✓ Verified' : v.state === 'expired' ? 'Expired' : 'Unverified'}${by}${until}`);
    }
    case 'button':
      return '';
    case 'place': {
      const p = value.value;
      if (p === null) return '';
      return escapeHtml([p.name, p.address].filter((s, i, all) => s && all.indexOf(s) === i).join(', ') || `${p.lat}, ${p.lon}`);
    }
  }
}

/**
 * The value a column sorts by (`data-sort`): numbers as numbers, dates as their ISO start,
 * checkboxes as 1/0; null where the shown text sorts well enough.
 */
export function sortKey(value: PropertyValue): string | null {
  if ('unknown' in value || 'redacted' in value) return null;
  switch (value.type) {
    case 'number':
      return value.value === null ? '' : String(value.value);
    case 'date':
      return value.value?.start ?? '';
    case 'created_time':
    case 'last_edited_time':
      return value.value;
    case 'checkbox':
      return value.value ? '1' : '0';
    case 'formula':
      return value.value.type === 'number' ? (value.value.value === null ? '' : String(value.value.value)) : value.value.type === 'date' ? (value.value.value?.start ?? '') : null;
    case 'rollup':
      return value.value.type === 'number' ? (value.value.value === null ? '' : String(value.value.value)) : value.value.type === 'date' ? (value.value.value?.start ?? '') : null;
    case 'unique_id':
      return value.value.number === null ? '' : String(value.value.number);
    default:
      return null;
  }
}

/** Whether a column of this type holds numbers (right-aligned). */
export function isNumeric(value: PropertyValue | undefined, schema: PropertySchema | undefined): boolean {
  if (schema?.type === 'number') return true;
  if (!value || 'unknown' in value || 'redacted' in value) return false;
  return (value.type === 'formula' || value.type === 'rollup') && value.value.type === 'number';
}
