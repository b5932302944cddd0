import { block as b, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';

/**
 * A workspace that needs pagination at every level: a page with 130 top-level blocks,
 * toggles nested 6 deep, a data source with 130 rows, a row whose relation holds 120 pages
 * and whose people property holds 30 users, and more than 100 search results.
 */
export function bigWorkspace(): { workspace: WorkspaceData; ids: { root: string; longPage: string; database: string; dataSource: string; hub: string; rows: string[] } } {
  const w = new WorkspaceBuilder({ seed: 'big', integrationName: 'notion-kb tests', workspaceName: 'Big space' });
  const people = Array.from({ length: 30 }, (_, i) => w.user({ name: `Member ${i + 1}` }));
  const root = w.page({ parent: 'workspace', title: 'Archive root' });
  const nested = (depth: number): ReturnType<typeof b.toggle> =>
    depth === 0 ? b.paragraph('The bottom of the toggles.') : b.toggle(`Level ${7 - depth}`, [nested(depth - 1)]);
  const longPage = w.page({
    parent: root,
    title: 'A very long page',
    children: [...Array.from({ length: 129 }, (_, i) => b.paragraph(`Paragraph ${i + 1}`)), nested(6)],
  });
  const db = w.database({
    parent: root,
    title: 'Sessions',
    dataSources: [{ name: 'Sessions', properties: { Name: { type: 'title' }, Hosts: { type: 'people' } } }],
  });
  const ds = db.dataSourceIds[0]!;
  const rows = Array.from({ length: 130 }, (_, i) => w.row(ds, { Name: `Session ${i + 1}` }));
  w.addProperty(ds, 'Related', { type: 'relation', dataSourceId: ds, databaseId: db.id });
  const hub = w.row(ds, { Name: 'Hub session', Related: rows.slice(0, 120), Hosts: people });
  return { workspace: w.build(), ids: { root, longPage, database: db.id, dataSource: ds, hub, rows } };
}
