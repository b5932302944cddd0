import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlockOwners } from '../../src/links/block-owners.js';
import type { BlockNode } from '../../src/source/block-tree.js';

const block = (id: string, children: BlockNode[] = [], extra: Record<string, unknown> = {}): BlockNode =>
  ({ object: 'block', id, type: 'heading_2', has_children: children.length > 0, heading_2: { rich_text: [] }, children, ...extra }) as unknown as BlockNode;
const paragraph = (id: string, children: BlockNode[] = []): BlockNode => block(id, children, { type: 'paragraph', paragraph: { rich_text: [] } });
const subPage = (id: string): BlockNode => block(id, [], { type: 'child_page', child_page: { title: 'Sub' } });

describe('BlockOwners', () => {
  it('finds the page of every block among tens of thousands (the table grows as it fills)', () => {
    const owners = new BlockOwners();
    const expected = new Map<string, string>();
    for (let p = 0; p < 500; p++) {
      const pageId = randomUUID();
      const blocks = Array.from({ length: 20 }, () => block(randomUUID(), [block(randomUUID()), block(randomUUID())]));
      owners.add(pageId, blocks);
      for (const b of blocks) for (const x of [b, ...b.children]) expected.set(x.id, pageId);
    }
    expect(expected.size).toBe(30_000);
    for (const [blockId, pageId] of expected) expect(owners.get(blockId)).toBe(pageId);
    // Ids given without dashes or in upper case are the same block.
    const [someBlock, somePage] = [...expected][123]!;
    expect(owners.get(someBlock.replaceAll('-', '').toUpperCase())).toBe(somePage);
    expect(owners.get(randomUUID())).toBeUndefined();
    expect(owners.get('not-an-id')).toBeUndefined();
  });

  it('keeps only the blocks anything asks about: headings and blocks holding a sub-page or database', () => {
    const owners = new BlockOwners();
    const page = 'eeeeeeee-0000-4000-8000-000000000001';
    const column = 'eeeeeeee-0000-4000-8000-000000000002';
    const plain = 'eeeeeeee-0000-4000-8000-000000000003';
    const heading = 'eeeeeeee-0000-4000-8000-000000000004';
    owners.add(page, [paragraph(column, [subPage('eeeeeeee-0000-4000-8000-000000000005')]), paragraph(plain), block(heading)]);
    expect(owners.get(column)).toBe(page);
    expect(owners.get(heading)).toBe(page);
    expect(owners.get(plain)).toBeUndefined();
  });

  it('gives a block seen through a synced reference to the page holding the original, else to the smallest referencing page', () => {
    const shared = '11111111-1111-4111-8111-111111111111';
    const onlyReferenced = '22222222-2222-4222-8222-222222222222';
    const reference = (id: string, child: string) =>
      block(id, [block(child)], { type: 'synced_block', synced_block: { synced_from: { type: 'block_id', block_id: 'x' } } });
    const owners = new BlockOwners();
    owners.add('cccccccc-0000-4000-8000-000000000003', [reference('aaaaaaaa-0000-4000-8000-000000000001', shared), reference('aaaaaaaa-0000-4000-8000-000000000002', onlyReferenced)]);
    owners.add('bbbbbbbb-0000-4000-8000-000000000002', [reference('aaaaaaaa-0000-4000-8000-000000000003', onlyReferenced)]);
    owners.add('dddddddd-0000-4000-8000-000000000004', [block(shared)]);
    expect(owners.get(shared)).toBe('dddddddd-0000-4000-8000-000000000004');
    expect(owners.get(onlyReferenced)).toBe('bbbbbbbb-0000-4000-8000-000000000002');
  });

  it("keeps each heading's anchor in its page's file with its owner, through the table's growth, synced references and odd ids", () => {
    const owners = new BlockOwners();
    const anchorsOf = new Map<string, string>();
    for (let p = 0; p < 300; p++) {
      const blocks = Array.from({ length: 10 }, (_, i) => block(randomUUID(), [paragraph(randomUUID(), [subPage(randomUUID())])]));
      const anchors = new Map(blocks.map((b, i) => [b.id, i % 2 ? 'overview' : `part-${p}-${i}`]));
      owners.add(randomUUID(), blocks, anchors);
      for (const [id, anchor] of anchors) anchorsOf.set(id, anchor);
      // The paragraph holding a sub-page has an owner but no anchor.
      expect(owners.anchorOf(blocks[0]!.children[0]!.id)).toBeUndefined();
    }
    for (const [id, anchor] of anchorsOf) expect(owners.anchorOf(id)).toBe(anchor);

    const shared = '33333333-3333-4333-8333-333333333333';
    const reference = (id: string) => block(id, [block(shared)], { type: 'synced_block', synced_block: { synced_from: { type: 'block_id', block_id: 'x' } } });
    owners.add('ffffffff-0000-4000-8000-000000000009', [reference('aaaaaaaa-0000-4000-8000-00000000000a')], new Map([[shared, 'intro-1']]));
    owners.add('bbbbbbbb-0000-4000-8000-000000000009', [reference('aaaaaaaa-0000-4000-8000-00000000000b')], new Map([[shared, 'intro-2']]));
    expect(owners.anchorOf(shared)).toBe('intro-2');
    owners.add('dddddddd-0000-4000-8000-000000000009', [block(shared)], new Map([[shared, 'intro']]));
    expect(owners.anchorOf(shared)).toBe('intro');

    owners.add('eeeeeeee-0000-4000-8000-000000000009', [block('heading-in-a-test')], new Map([['heading-in-a-test', 'odd']]));
    expect(owners.anchorOf('heading-in-a-test')).toBe('odd');
    expect(owners.get('heading-in-a-test')).toBe('eeeeeeee-0000-4000-8000-000000000009');
  });
});
