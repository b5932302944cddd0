import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlockOwners } from '../../src/links/block-owners.js';
import type { BlockNode } from '../../src/source/block-tree.js';

const block = (id: string, children: BlockNode[] = [], extra: Record<string, unknown> = {}): BlockNode =>
  ({ object: 'block', id, type: 'paragraph', has_children: children.length > 0, paragraph: { rich_text: [] }, children, ...extra }) as unknown as BlockNode;

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
});
