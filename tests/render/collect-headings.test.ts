import { describe, expect, it } from 'vitest';
import { collectHeadings, headingAnchorsOf } from '../../src/render/markdown/collect-headings.js';
import { renderBlocks } from '../../src/render/markdown/render-blocks.js';
import { fakeRenderContext } from './fake-render-context.js';
import { makeBlock, text } from './make-block.js';

const heading = (level: number, label: string, id: string, children: ReturnType<typeof makeBlock>[] = []) =>
  makeBlock(`heading_${level}`, { rich_text: [text(label)], is_toggleable: children.length > 0, color: 'default' }, children, id);
const id = (n: number) => `00000000-0000-4000-b000-${String(n).padStart(12, '0')}`;

describe('headingAnchorsOf', () => {
  it('gives each heading block the anchor GitHub gives it, counting the title H1 first', () => {
    const blocks = [
      heading(1, 'Formulas', id(1)),
      heading(2, 'KPI definitions', id(2)),
      makeBlock('toggle', { rich_text: [text('More')], color: 'default' }, [heading(3, 'Formulas', id(3))]),
      makeBlock('paragraph', { rich_text: [text('not a heading')], color: 'default' }, [], id(4)),
      heading(4, 'Überblick: Ziele & Zahlen!', id(5)),
    ];
    const anchors = headingAnchorsOf(blocks, 'KPI definitions');
    expect([...anchors]).toEqual([
      [id(1), 'formulas'],
      // "# KPI definitions" (the title) already took "kpi-definitions".
      [id(2), 'kpi-definitions-1'],
      [id(3), 'formulas-1'],
      [id(5), 'überblick-ziele--zahlen'],
    ]);
    expect(new Set(anchors.values()).size).toBe(anchors.size);
  });

  it('gives the table of contents the same anchors as links get', async () => {
    const pageId = '00000000-0000-4000-8000-000000000099';
    const blocks = [makeBlock('table_of_contents', { color: 'default' }), heading(1, 'Notes', id(11)), heading(2, 'Notes', id(12))];
    const { markdown } = await renderBlocks(blocks, fakeRenderContext({ pageId, titles: { [pageId]: 'Notes' } }));
    const anchors = headingAnchorsOf(blocks, 'Notes');
    expect([...anchors.values()]).toEqual(['notes-1', 'notes-2']);
    for (const a of anchors.values()) expect(markdown).toContain(`(#${a})`);
    expect(collectHeadings(blocks).map((h) => h.slug)).toEqual(['notes', 'notes-1']);
  });
});
