import type { DatabaseObjectResponse, DataSourceObjectResponse } from '@notionhq/client';
import type { PageLinks, UnresolvedLink } from '../links/link-index.js';
import type { DatabasePaths } from '../links/path-plan.js';
import { propertyValueToCsvCell, toCsv } from './csv.js';
import { normaliseDataSourceSchema } from '../normalise/normalise-data-source.js';
import { normaliseDatabase, type AssetLookup, type DatabaseRowInput } from '../normalise/normalise-page.js';
import { richTextToPlain } from '../normalise/rich-text-plain.js';
import type { DatabaseEntry, DatabaseRecord } from '../normalise/schemas.js';
import { databaseTitle } from '../normalise/titles.js';
import { canonicalJson } from './json/canonical-json.js';
import { databaseDocument, orderedColumns } from './markdown/documents.js';

export interface DatabaseFilesContext {
  paths: DatabasePaths;
  links: PageLinks;
  assets: AssetLookup;
  titleOf(id: string): string | null;
  /** The exported rows of a data source, in query order (read from their records). */
  rowsOf(dataSourceId: string): Promise<DatabaseRowInput[]>;
}

export interface DatabaseFiles {
  files: Map<string, string>;
  entry: DatabaseEntry;
  record: DatabaseRecord;
  dataSources: number;
  rows: number;
  unresolvedLinks: UnresolvedLink[];
}

/** One database → its JSON record (schema and typed rows), one CSV per data source and a Markdown overview. */
export async function renderDatabaseFiles(
  unit: { database: DatabaseObjectResponse; dataSources: Array<{ dataSource: DataSourceObjectResponse }> },
  ctx: DatabaseFilesContext,
): Promise<DatabaseFiles> {
  const { database } = unit;
  const { paths, links } = ctx;
  const sources = [];
  for (const [i, { dataSource }] of unit.dataSources.entries()) {
    sources.push({
      id: dataSource.id,
      name: richTextToPlain(dataSource.title as never),
      schema: normaliseDataSourceSchema(dataSource).properties,
      rows: await ctx.rowsOf(dataSource.id),
      csv: paths.csv[i]!,
    });
  }
  const entry: DatabaseEntry = {
    id: database.id,
    title: databaseTitle(database),
    path: paths.json,
    csv: paths.csv[0] ?? null,
    dataSources: sources.map((s) => ({ id: s.id, name: s.name, csv: s.csv })),
    rowIds: sources.flatMap((s) => s.rows.map((r) => r.id)),
    parentId: paths.parentId,
    url: database.url,
    isInline: database.is_inline,
    linkedView: database.data_sources.length === 0,
  };
  const record: DatabaseRecord = {
    ...entry,
    ...normaliseDatabase(database, ctx.assets),
    dataSources: sources.map(({ id, name, csv, schema, rows }) => ({ id, name, csv, schema, rows })),
  };
  const files = new Map<string, string>([[paths.json, canonicalJson(record)]]);
  for (const s of sources) {
    const columns = orderedColumns(s.schema);
    const cells = s.rows.map((r) => [...columns.map((c) => (r.properties[c] ? propertyValueToCsvCell(r.properties[c]!, { titleOf: ctx.titleOf }) : '')), r.id, r.path]);
    files.set(s.csv, toCsv([...columns, 'Notion ID', 'Markdown file'], cells));
  }
  files.set(paths.markdown, databaseDocument(database, record, sources, links, ctx.titleOf));
  return { files, entry, record, dataSources: sources.length, rows: sources.reduce((n, s) => n + s.rows.length, 0), unresolvedLinks: links.unresolved };
}
