import { block as b, block, text, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';

/**
 * A workspace that needs pagination at every level: a page with 130 top-level blocks,
 * toggles nested 6 deep, a data source with 130 rows, a row whose relation holds 120 pages
 * and whose people property holds 30 users (with rollups over that relation), more than 100
 * search results, a synced block shown on two pages, and a page in the trash.
 */
export function bigWorkspace(): {
  workspace: WorkspaceData;
  ids: { root: string; longPage: string; database: string; dataSource: string; hub: string; rows: string[]; trashed: string; syncedOriginal: string };
} {
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
  w.addProperty(ds, 'Related count', { type: 'rollup', relation: 'Related', property: 'Name', function: 'count' });
  w.addProperty(ds, 'Related names', { type: 'rollup', relation: 'Related', property: 'Name', function: 'show_original' });
  const related = rows.slice(0, 120);
  const hub = w.row(ds, {
    Name: 'Hub session',
    Related: related,
    Hosts: people,
    'Related count': { type: 'number', number: 120, function: 'count' },
    'Related names': {
      type: 'array',
      function: 'show_original',
      array: related.map((_, i) => ({ type: 'title', title: [text(`Session ${i + 1}`)] })),
    },
  });
  const syncedOriginal = w.id();
  w.append(longPage, [block.syncedOriginal(syncedOriginal, [b.paragraph('Shown on two pages.')])]);
  w.append(root, [b.syncedReference(syncedOriginal)]);
  const trashed = w.page({ parent: root, title: 'Old notes' });
  w.trash(trashed);
  return { workspace: w.build(), ids: { root, longPage, database: db.id, dataSource: ds, hub, rows, trashed, syncedOriginal } };
}
