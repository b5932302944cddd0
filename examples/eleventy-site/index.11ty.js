// The home page: every page and database of the snapshot.
import { escape, layout } from './_layout.js';

export const data = { permalink: 'index.html' };

export function render({ notion }) {
  const list = (items) => `<ul>${items.map((i) => `<li><a href="${escape(i.url)}">${escape(i.title)}</a></li>`).join('')}</ul>`;
  return layout({
    title: 'Knowledge base',
    home: '',
    body: `<h1>Knowledge base</h1><p>Snapshot ${escape(notion.snapshotId)}</p><h2>Pages</h2>${list(notion.pages)}<h2>Databases</h2>${list(notion.databases)}`,
  });
}
