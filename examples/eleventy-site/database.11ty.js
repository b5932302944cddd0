// One page per database: its rows with their properties, each row linked to its page.
import { escape, homeOf, layout } from './_layout.js';

export const data = {
  pagination: { data: 'notion.databases', size: 1, alias: 'db' },
  permalink: (data) => data.db.url,
};

export function render({ db }) {
  const sources = db.dataSources
    .map(
      (s) => `<section><h2>${escape(s.name)}</h2>
<table>
<thead><tr><th>Page</th>${s.columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead>
<tbody>
${s.rows.map((r) => `<tr class="row"><td><a href="${escape(r.href)}">${escape(r.title)}</a></td>${r.cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table></section>`,
    )
    .join('\n');
  return layout({ title: db.title, home: homeOf(db.url), body: `<h1>${escape(db.title)}</h1>${db.description ? `<p>${escape(db.description)}</p>` : ''}${sources}` });
}
