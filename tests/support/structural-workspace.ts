import { block as b, mention, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import type { Id, WorkspaceData } from '../../src/notion-server/workspace-model.js';

/**
 * A workspace for the structural changes an incremental sync must follow whatever Notion bumps:
 * sub-pages to move, create, trash and unshare; a page in a column (its parent is a block); a
 * database with two data sources whose rows relate to each other; a second database to delete;
 * pages that mention a page, link to a page and to a database; a synced block shown elsewhere.
 *
 * home ─ hub (mentions `mentioned`, links to `linked`, a column holding `inColumn`)
 *      ├ parentA ─ a1, a2, a3 ─ a3x          ├ parentB ─ b1, a toggle
 *      ├ mentioned, linked, loose, shy ─ shyChild   (home's right column holds no page)
 *      ├ syncHome (synced original) · syncShow (shows it)
 *      ├ projects (dsMain: p1 … p5, p2 → p1, p3 → p4; dsArchive: z1)
 *      └ oldTable (row o1) · linksDb (links to oldTable)
 */
export function structuralWorkspace(): { workspace: WorkspaceData; ids: Record<string, Id> } {
  const w = new WorkspaceBuilder({ seed: 'structural', integrationName: 'notion-kb tests', workspaceName: 'Structural', start: '2025-06-02T08:00:00.000Z' });
  w.actAs(w.user({ name: 'Ada Example' }));
  const home = w.page({ parent: 'workspace', title: 'Home', children: [b.paragraph('The home page.')] });
  const mentioned = w.page({ parent: home, title: 'Mentioned page', children: [b.paragraph('Mentioned from the hub.')] });
  const linked = w.page({ parent: home, title: 'Linked page', children: [b.paragraph('Linked from the hub.')] });
  const [, , columns] = w.append(home, [
    b.paragraph(['The hub below mentions ', mention.page(mentioned), '.']),
    b.linkToPage(linked),
    b.columns([[b.paragraph('Left column.')], [b.paragraph('Right column.')]]),
  ]);
  const hub = w.page({
    parent: home,
    title: 'Hub',
    children: [b.paragraph(['See ', mention.page(mentioned), ' for the background.']), b.linkToPage(linked)],
  });
  const [leftColumn, rightColumn] = w.data.blocks[columns!]!.children as [Id, Id];
  const inColumn = w.page({ parent: leftColumn, title: 'In a column', children: [b.paragraph('I sit in a column.')] });
  const parentA = w.page({ parent: home, title: 'Parent A', children: [b.paragraph('Sub-pages of A follow.')] });
  const a1 = w.page({ parent: parentA, title: 'A one', children: [b.paragraph('First.')] });
  const a2 = w.page({ parent: parentA, title: 'A two', children: [b.paragraph('Second.')] });
  const a3 = w.page({ parent: parentA, title: 'A three', children: [b.paragraph('Third.')] });
  const a3x = w.page({ parent: a3, title: 'Below A three', children: [b.paragraph('Deeper.')] });
  const parentB = w.page({ parent: home, title: 'Parent B', children: [b.paragraph('Sub-pages of B follow.')] });
  const b1 = w.page({ parent: parentB, title: 'B one', children: [b.paragraph('In B.')] });
  const [toggleInB] = w.append(parentB, [b.toggle('Details', [b.paragraph('Nothing below this toggle is a page yet.')])]);
  const loose = w.page({ parent: home, title: 'Loose page', children: [b.paragraph('Soon a row.')] });
  const shy = w.page({ parent: home, title: 'Shy page', children: [b.paragraph('Shared, then not, then again.')] });
  const shyChild = w.page({ parent: shy, title: 'Below shy', children: [b.paragraph('Follows its parent.')] });
  const original = w.id();
  const syncHome = w.page({ parent: home, title: 'Synced home', children: [b.syncedOriginal(original, [b.paragraph('The helpdesk is open on Mondays.')])] });
  const syncShow = w.page({ parent: home, title: 'Synced elsewhere', children: [b.syncedReference(original)] });

  const projects = w.database({
    parent: home,
    title: 'Projects',
    dataSources: [
      { name: 'Current', properties: { Name: { type: 'title' }, Budget: { type: 'number' } } },
      { name: 'Archive', properties: { Name: { type: 'title' }, Budget: { type: 'number' } } },
    ],
  });
  const [dsMain, dsArchive] = projects.dataSourceIds as [Id, Id];
  w.addProperty(dsMain, 'Depends on', { type: 'relation', dataSourceId: dsMain, databaseId: projects.id });
  const row = (ds: Id, name: string, extra: Record<string, unknown> = {}) => w.row(ds, { Name: name, Budget: name.length * 100, ...extra }, { children: [b.paragraph(`About ${name}.`)] });
  const p1 = row(dsMain, 'Project one');
  const p4 = row(dsMain, 'Project four');
  const p2 = row(dsMain, 'Project two', { 'Depends on': [p1] });
  const p3 = row(dsMain, 'Project three', { 'Depends on': [p4] });
  const p5 = row(dsMain, 'Project five');
  const z1 = row(dsArchive, 'Archived project');

  const oldTable = w.database({ parent: home, title: 'Old table', dataSources: [{ name: 'Old table', properties: { Name: { type: 'title' } } }] });
  const o1 = w.row(oldTable.dataSourceIds[0]!, { Name: 'Old row' });
  const linksDb = w.page({ parent: home, title: 'Links to the old table', children: [b.linkToDatabase(oldTable.id), b.paragraph(['Also ', mention.database(oldTable.id), '.'])] });

  return {
    workspace: w.build(),
    ids: {
      home, hub, mentioned, linked, leftColumn, rightColumn, inColumn, parentA, a1, a2, a3, a3x, parentB, b1, toggleInB: toggleInB!, loose, shy, shyChild, syncHome, syncShow,
      syncedParagraph: w.data.blocks[original]!.children[0]!,
      projects: projects.id, dsMain, dsArchive, p1, p2, p3, p4, p5, z1, oldTable: oldTable.id, o1, linksDb,
      a2Paragraph: w.data.pages[a2]!.children[0]!,
    },
  };
}
