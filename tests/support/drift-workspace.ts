import { block as b, bold, icon, inlineEquation, link, mention, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';
import { TINY_PNG } from './small-workspace.js';

/**
 * A small workspace holding every object kind the sync reads, each with its optional fields
 * set, so that API drift (keys left out, unknown keys, unknown types) can be served for each:
 * pages with icon and cover, a database with description and icon, a data source with many
 * property types, rows with values, blocks with captions, icons, files, tables and rich text
 * with annotations, links, mentions and equations.
 */
export function driftWorkspace(): { workspace: WorkspaceData; ids: Record<string, string> } {
  const w = new WorkspaceBuilder({ seed: 'drift', integrationName: 'notion-kb tests', workspaceName: 'Drift space' });
  const alice = w.user({ name: 'Alice Example', email: 'alice@example.org', avatarUrl: 'https://example.org/alice.png' });
  w.actAs(alice);
  const png = w.file({ name: 'logo.png', contentType: 'image/png', bytes: TINY_PNG });
  const pdf = w.file({ name: 'terms.pdf', contentType: 'application/pdf', bytes: '%PDF-1.4 tiny' });
  const root = w.page({
    parent: 'workspace',
    title: 'Handbook',
    icon: icon.emoji('📘'),
    cover: { fileId: png },
    children: [b.paragraph(['Welcome to the ', bold('handbook'), ', see ', link('the site', 'https://example.org'), '.'])],
  });
  const child = w.page({ parent: root, title: 'Child page', icon: icon.file(png), children: [b.paragraph('A child.')] });
  const db = w.database({
    parent: root,
    title: 'Partners',
    description: 'Who we work with',
    icon: icon.emoji('🤝'),
    dataSources: [
      {
        name: 'Partners',
        properties: {
          Name: { type: 'title' },
          Country: { type: 'select', options: ['DE', 'BG'] },
          Tags: { type: 'multi_select', options: ['ngo', 'school'] },
          Stage: { type: 'status', options: ['New', 'Active'] },
          Owner: { type: 'people' },
          Docs: { type: 'files' },
          Active: { type: 'checkbox' },
          Size: { type: 'number', format: 'number' },
          Since: { type: 'date' },
          Site: { type: 'url' },
          Notes: { type: 'rich_text' },
        },
      },
    ],
  });
  const ds = db.dataSourceIds[0]!;
  const row1 = w.row(
    ds,
    {
      Name: 'SINGA',
      Country: 'DE',
      Tags: ['ngo'],
      Stage: 'Active',
      Owner: [alice],
      Docs: [{ fileId: pdf, name: 'terms.pdf' }],
      Active: true,
      Size: 12,
      Since: '2024-03-01',
      Site: 'https://singa.example',
      Notes: ['Met in ', bold('Berlin')],
    },
    { children: [b.paragraph('A partner.')] },
  );
  // 25 mentions: Notion may cut such a value in page objects, so the sync reads it through the property item endpoint.
  const row2 = w.row(ds, { Name: 'Ecole', Country: 'BG', Tags: ['school'], Notes: ['Second partner, ask ', ...Array.from({ length: 25 }, () => mention.user(alice))] });
  w.append(root, [
    b.heading(2, 'Things'),
    b.paragraph(['Ask ', mention.user(alice), ' about ', mention.page(child), ' and ', inlineEquation('E = mc^2'), '.']),
    b.todo('Send the report', true),
    b.callout('Remember this', icon.emoji('💡')),
    b.code('console.log(1)', 'javascript', 'A snippet'),
    b.quote('A quote'),
    b.toggle('More', [b.paragraph('Hidden inside the toggle.')]),
    b.image({ fileId: png }, 'The logo'),
    b.file({ fileId: pdf }, 'terms.pdf', 'The terms'),
    b.bookmark('https://example.org/read', 'A bookmark'),
    b.embed('https://example.org/embed'),
    b.equation('a^2 + b^2 = c^2'),
    b.table([['Name', 'Role'], ['Alice', 'Lead']], { columnHeader: true }),
    b.linkToPage(row1),
  ]);
  return { workspace: w.build(), ids: { root, child, database: db.id, dataSource: ds, row1, row2 } };
}
