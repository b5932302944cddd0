import type { DateValue, KnownPropertyValue, PropertyValue, UserRef } from '../normalise/schemas.js';

/** How `propertyValueToCsvCell` shows references it cannot resolve on its own. */
export interface CsvCellOptions {
  /** Title of an exported page, used for relation cells; fall back to path, then id, when undefined/null. */
  titleOf?(id: string): string | null | undefined;
}

/** Separator between the items of a multi-valued cell (multi-select, people, files, relations, rollup arrays). */
export const CSV_LIST_SEPARATOR = '; ';

/**
 * A property value as one readable CSV cell: "Germany; France", "2025-03-01 → 2025-03-05",
 * "MAG-12", "Yes"/"No". Empty values give "". A value kept verbatim (unknown type) gives its raw JSON,
 * so nothing is lost. (`toCsv` defuses cells a spreadsheet would run as formulas; the JSON keeps
 * every value exactly.)
 */
export function propertyValueToCsvCell(value: PropertyValue, options: CsvCellOptions = {}): string {
  if ('unknown' in value) return JSON.stringify(value.raw) ?? '';
  // A value redacted by the privacy rules is an empty cell.
  if ('redacted' in value) return '';
  return knownCell(value, options);
}

function knownCell(v: KnownPropertyValue, options: CsvCellOptions): string {
  switch (v.type) {
    case 'title':
    case 'rich_text':
      return v.value.text;
    case 'number':
      return v.value === null ? '' : String(v.value);
    case 'select':
    case 'status':
      return v.value?.name ?? '';
    case 'multi_select':
      return list(v.value.map((o) => o.name));
    case 'date':
      return dateCell(v.value);
    case 'people':
      return list(v.value.map(userCell));
    case 'files':
      return list(v.value.map((f) => f.path ?? f.url ?? f.name));
    case 'checkbox':
      return v.value ? 'Yes' : 'No';
    case 'url':
    case 'email':
    case 'phone_number':
      return v.value ?? '';
    case 'formula': {
      const f = v.value;
      if (f.type === 'date') return dateCell(f.value);
      if (f.type === 'boolean') return f.value === null ? '' : f.value ? 'Yes' : 'No';
      return f.value === null ? '' : String(f.value);
    }
    case 'relation':
      return list(v.value.map((r) => options.titleOf?.(r.id) ?? r.path ?? r.id));
    case 'rollup': {
      const r = v.value;
      if (r.type === 'array') return list(r.value.map((item) => propertyValueToCsvCell(item, options)).filter((s) => s !== ''));
      if (r.type === 'date') return dateCell(r.value);
      return r.value === null ? '' : String(r.value);
    }
    case 'created_time':
    case 'last_edited_time':
      return v.value;
    case 'created_by':
    case 'last_edited_by':
      return userCell(v.value);
    case 'unique_id':
      return v.value.text ?? '';
    case 'verification': {
      const ver = v.value;
      if (ver === null) return '';
      const details = [ver.verifiedBy && userCell(ver.verifiedBy), ver.date && dateCell(ver.date)].filter(Boolean);
      return details.length ? `${ver.state} (${details.join(', ')})` : ver.state;
    }
    case 'button':
      return '';
    case 'place': {
      const p = v.value;
      if (p === null) return '';
      return p.name ?? p.address ?? `${p.lat}, ${p.lon}`;
    }
  }
}

function list(items: string[]): string {
  return items.join(CSV_LIST_SEPARATOR);
}

function userCell(u: UserRef): string {
  return u.name ?? u.id;
}

function dateCell(d: DateValue | null): string {
  if (d === null) return '';
  const range = d.end === null ? d.start : `${d.start} → ${d.end}`;
  return d.timeZone ? `${range} (${d.timeZone})` : range;
}

/**
 * RFC 4180 CSV: CRLF line ends (also after the last row), fields quoted only when they contain
 * a comma, a double quote, CR or LF, quotes doubled. UTF-8 without BOM. Every row must have as
 * many cells as there are headers. A cell that a spreadsheet would run as a formula (it starts
 * with =, +, -, @, a tab or a carriage return, and is not a plain number) gets a leading
 * apostrophe, as OWASP advises against CSV injection; the JSON files keep the exact value.
 */
export function toCsv(headers: string[], rows: string[][]): string {
  const lines = [headers, ...rows].map((row, i) => {
    if (row.length !== headers.length) {
      throw new Error(`CSV row ${i} has ${row.length} cells, expected ${headers.length} (one per header)`);
    }
    return row.map(csvField).join(',');
  });
  return lines.map((line) => `${line}\r\n`).join('');
}

function csvField(raw: string): string {
  const field = /^[=+\-@\t\r]/.test(raw) && !PLAIN_NUMBER.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
