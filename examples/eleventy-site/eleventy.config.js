// Eleventy 3: one HTML page per page of the snapshot (database rows included), one page per
// database listing its rows, and a home page. Everything comes from the notion-kb package's
// reader (_data/notion.js); the snapshot's files are copied into _site/assets.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';

export default function (eleventyConfig) {
  // Only the JavaScript templates of this folder are templates (not this README).
  eleventyConfig.setTemplateFormats(['11ty.js']);
  eleventyConfig.on('eleventy.after', async ({ dir }) => {
    const { loadSnapshot } = await import('./_lib/snapshot.js');
    const snap = await loadSnapshot();
    await cp(snap.assetPath('assets'), join(dir.output, 'assets'), { recursive: true }).catch((err) => {
      if (err.code !== 'ENOENT') throw err; // a snapshot without files has no assets/
    });
  });
  return { dir: { input: '.', output: '_site' } };
}
