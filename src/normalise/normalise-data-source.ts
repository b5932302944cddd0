import type { DataSourceObjectResponse } from '@notionhq/client';
import { withoutExpiringUrls } from './normalise-property.js';
import { richTextToPlain } from './rich-text-plain.js';
import { KnownPropertySchemaSchema, PROPERTY_TYPES, type DataSourceSchemaRecord, type PropertySchema } from './schemas.js';

type RawConfig = DataSourceObjectResponse['properties'][string];
/** Loose view of a property config: the SDK union misses types the API already sends (button, place, verification). */
type LooseConfig = { id: string; name: string; type: string; description?: string | null } & Record<string, unknown>;

/** Options for `normaliseDataSourceSchema`. */
export interface NormaliseDataSourceOptions {
  /** Receives a warning for each property configuration kept verbatim. */
  warn?(code: string, message: string): void;
}

/**
 * A data source's property schema in readable form: option names and colours, status groups by
 * option name, number format, formula with `prop("Name")` references, relation targets, rollup
 * sources and unique-id prefix. Properties are ordered title first, then by name.
 * A configuration this version cannot read is kept verbatim with a warning; never throws.
 */
export function normaliseDataSourceSchema(ds: DataSourceObjectResponse, options: NormaliseDataSourceOptions = {}): DataSourceSchemaRecord {
  const name = richTextToPlain(ds.title);
  const configs = Object.entries(ds.properties) as Array<[string, RawConfig & LooseConfig]>;
  configs.sort(([a, ca], [b, cb]) => (ca.type === 'title' ? 0 : 1) - (cb.type === 'title' ? 0 : 1) || (a < b ? -1 : a > b ? 1 : 0));
  const properties: Record<string, PropertySchema> = {};
  for (const [propertyName, config] of configs) {
    const label = `data source ${ds.id} "${name}" → property ${JSON.stringify(propertyName)} (${config.type})`;
    properties[propertyName] = normaliseConfig(config, ds, label, options);
  }
  return { id: ds.id, name, properties };
}

function normaliseConfig(
  config: RawConfig & LooseConfig,
  ds: DataSourceObjectResponse,
  label: string,
  options: NormaliseDataSourceOptions,
): PropertySchema {
  const base = { id: config.id, type: config.type, description: config.description ?? null };
  let readable: Record<string, unknown>;
  try {
    readable = { ...base, ...readConfig(config, ds) };
  } catch (error) {
    return verbatim(config, base, label, `cannot read this configuration: ${(error as Error).message}`, options);
  }
  const checked = KnownPropertySchemaSchema.safeParse(readable);
  if (!checked.success) {
    const known = (PROPERTY_TYPES as readonly string[]).includes(config.type);
    const reason = known
      ? `unexpected configuration at ${checked.error.issues[0]!.path.join('.')}: ${checked.error.issues[0]!.message}`
      : 'property type not known to this notion-kb version; configuration kept verbatim';
    return verbatim(config, base, label, reason, options);
  }
  return checked.data;
}

function verbatim(
  config: LooseConfig,
  base: { id: string; type: string; description: string | null },
  label: string,
  reason: string,
  options: NormaliseDataSourceOptions,
): PropertySchema {
  options.warn?.('unknown_property_schema', `${label}: ${reason}`);
  const { id: _id, name: _name, type: _type, description: _description, ...raw } = config;
  return { ...base, unknown: true, raw: withoutExpiringUrls(raw) };
}

function readConfig(config: RawConfig, ds: DataSourceObjectResponse): Record<string, unknown> {
  switch (config.type) {
    case 'number':
      return { format: config.number.format };
    case 'select':
      return { options: config.select.options.map(option) };
    case 'multi_select':
      return { options: config.multi_select.options.map(option) };
    case 'status': {
      const nameOf = new Map(config.status.options.map((o) => [o.id, o.name]));
      return {
        options: config.status.options.map(option),
        groups: config.status.groups.map((g) => ({
          name: g.name,
          color: g.color,
          options: g.option_ids.map((id) => nameOf.get(id) ?? id),
        })),
      };
    }
    case 'formula':
      return { expression: readableFormula(config.formula.expression, ds), rawExpression: config.formula.expression };
    case 'relation': {
      const r = config.relation;
      const dual = r.type === 'dual_property' ? r.dual_property : null;
      return {
        dataSourceId: r.data_source_id,
        databaseId: r.database_id,
        kind: dual ? 'dual' : 'single',
        syncedPropertyName: dual?.synced_property_name ?? null,
        syncedPropertyId: dual?.synced_property_id ?? null,
      };
    }
    case 'rollup': {
      const r = config.rollup;
      // Notion sends the relation's id decoded here ("v_]<") but URL-encoded as the property's own id ("v_%5D%3C"); use the latter.
      const relationId = ds.properties[r.relation_property_name]?.id ?? r.relation_property_id;
      return {
        function: r.function,
        relationPropertyName: r.relation_property_name,
        relationPropertyId: relationId,
        rollupPropertyName: r.rollup_property_name,
        rollupPropertyId: r.rollup_property_id,
      };
    }
    case 'unique_id':
      return { prefix: config.unique_id.prefix };
    default:
      // Types without configuration (title, text, date, people, ..., button, place, verification);
      // an unknown type fails the schema check and is kept verbatim.
      return {};
  }
}

function option(o: { name: string; color: string; description?: string | null }) {
  return { name: o.name, color: o.color, description: o.description ?? null };
}

/** `{{notion:block_property:<id>:<dataSourceId>:<userId>}}` → `prop("Name")` for properties of this data source. */
function readableFormula(expression: string, ds: DataSourceObjectResponse): string {
  const nameById = new Map<string, string>();
  for (const [name, config] of Object.entries(ds.properties)) nameById.set(safeDecode(config.id), name);
  return expression.replace(/\{\{notion:block_property:([^:}]+):[^}]*\}\}/g, (token, id: string) => {
    const name = nameById.get(safeDecode(id));
    return name === undefined ? token : `prop(${JSON.stringify(name)})`;
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
