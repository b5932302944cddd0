import { block as b, bold, link, mention, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';

/** A tiny PNG (1×1, red), valid enough for any viewer. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A small workspace for end-to-end tests: a root with children five levels deep, a database
 * with rows, a Notion-hosted image used twice, internal links in several forms, and a link
 * to a page that is not shared.
 */
export function smallWorkspace(): { workspace: WorkspaceData; ids: Record<string, string> } {
  const w = new WorkspaceBuilder({ seed: 'small', integrationName: 'notion-kb tests', workspaceName: 'Test space' });
  const alice = w.user({ name: 'Alice Example' });
  w.actAs(alice);
  const png = w.file({ name: 'logo.png', contentType: 'image/png', bytes: TINY_PNG });
  const pngAgain = w.file({ name: 'logo-copy.png', contentType: 'image/png', bytes: TINY_PNG });
  const root = w.page({ parent: 'workspace', title: 'Handbook', children: [b.paragraph(['Welcome to the ', bold('handbook'), '.'])] });
  const hidden = w.page({ parent: 'workspace', title: 'Private notes', shared: false });
  let parent = root;
  const levels: string[] = [];
  for (let level = 1; level <= 5; level++) {
    parent = w.page({ parent, title: `Level ${level}`, children: [b.paragraph(`Depth ${level}.`)] });
    levels.push(parent);
  }
  const db = w.database({
    parent: root,
    title: 'Partners',
    dataSources: [{ name: 'Partners', properties: { Name: { type: 'title' }, Country: { type: 'select', options: ['DE', 'BG'] } } }],
  });
  const row = w.row(db.dataSourceIds[0]!, { Name: 'SINGA', Country: 'DE' }, { children: [b.paragraph('A partner.')] });
  w.append(root, [
    b.image({ fileId: png }, 'The logo'),
    b.image({ fileId: pngAgain }, 'The same logo again'),
    b.paragraph(['See ', mention.page(levels[0]!), ' and ', link('level two', `https://www.notion.so/Level-2-${levels[1]!.replaceAll('-', '')}`), '.']),
    b.paragraph(['Hidden: ', link('private', `https://www.notion.so/${hidden.replaceAll('-', '')}`)]),
    b.linkToPage(row),
  ]);
  return { workspace: w.build(), ids: { root, hidden, row, database: db.id, deepest: levels[4]! } };
}
