// One HTML page per page of the snapshot, at the path of its Markdown file (.md → .html).
import { escape, homeOf, layout } from './_layout.js';

export const data = {
  pagination: { data: 'notion.pages', size: 1, alias: 'notionPage' },
  permalink: (data) => data.notionPage.url,
};

export function render({ notionPage: p }) {
  const backlinks = p.backlinks.length
    ? `<aside><h2>Linked from</h2><ul>${p.backlinks.map((b) => `<li><a href="${escape(b.href)}">${escape(b.title)}</a></li>`).join('')}</ul></aside>`
    : '';
  return layout({ title: p.title, home: homeOf(p.url), body: `<article data-page-id="${p.id}">${p.html}</article>${backlinks}` });
}
