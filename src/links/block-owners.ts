import type { BlockNode } from '../source/block-tree.js';
import type { BlockLookup } from './path-plan.js';

/** A synced_block reference: its children are the original's, which belong to another page. */
const isSyncedReference = (b: BlockNode): boolean =>
  b.type === 'synced_block' && Boolean((b as { synced_block?: { synced_from?: unknown } }).synced_block?.synced_from);

function walkBlocks(blocks: BlockNode[], visit: (b: BlockNode, viaReference: boolean) => void, viaReference = false): void {
  for (const b of blocks) {
    visit(b, viaReference);
    walkBlocks(b.children, visit, viaReference || isSyncedReference(b));
  }
}

const WORDS = 6; // four 32-bit words of the id, the owner's index + 1 (0 = empty slot), the anchor's index + 1 (0 = none)
const EMPTY = 0;

/**
 * Block id → page index and anchor index, in one typed array with open addressing: a large
 * workspace has dozens of blocks per page, and a Map of strings would hold most of the sync's memory.
 */
class BlockIdTable {
  private slots = new Uint32Array(WORDS * 1024);
  private used = 0;
  private readonly key = new Uint32Array(4);

  private parse(id: string): boolean {
    const hex = id.replaceAll('-', '');
    if (!/^[0-9a-f]{32}$/i.test(hex)) return false;
    for (let i = 0; i < 4; i++) this.key[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
    return true;
  }

  private find(slots: Uint32Array, key: Uint32Array): number {
    const mask = slots.length / WORDS - 1;
    let i = (key[0]! ^ Math.imul(key[1]!, 0x9e3779b1) ^ key[3]!) & mask;
    for (;;) {
      const at = i * WORDS;
      if (slots[at + 4] === EMPTY) return at;
      if (slots[at] === key[0] && slots[at + 1] === key[1] && slots[at + 2] === key[2] && slots[at + 3] === key[3]) return at;
      i = (i + 1) & mask;
    }
  }

  /** False for an id that is not a Notion UUID (nothing is kept for it). */
  set(id: string, owner: number, anchor: number | undefined): boolean {
    if (!this.parse(id)) return false;
    if ((this.used + 1) * 2 > this.slots.length / WORDS) this.grow();
    const at = this.find(this.slots, this.key);
    if (this.slots[at + 4] === EMPTY) this.used++;
    this.slots.set(this.key, at);
    this.slots[at + 4] = owner + 1;
    this.slots[at + 5] = anchor === undefined ? 0 : anchor + 1;
    return true;
  }

  get(id: string): { owner: number; anchor: number | undefined } | undefined {
    if (!this.parse(id)) return undefined;
    const at = this.find(this.slots, this.key);
    const owner = this.slots[at + 4]!;
    if (owner === EMPTY) return undefined;
    const anchor = this.slots[at + 5]!;
    return { owner: owner - 1, anchor: anchor === 0 ? undefined : anchor - 1 };
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    const key = new Uint32Array(4);
    for (let at = 0; at < old.length; at += WORDS) {
      if (old[at + 4] === EMPTY) continue;
      key.set(old.subarray(at, at + 4));
      this.slots.set(old.subarray(at, at + WORDS), this.find(this.slots, key));
    }
  }
}

/** Blocks whose page anything asks for (see BlockOwners). */
const HEADINGS = new Set(['heading_1', 'heading_2', 'heading_3', 'heading_4']);
const holdsSubPages = (b: BlockNode): boolean => b.children.some((c) => c.type === 'child_page' || c.type === 'child_database');

/** The blocks of a page that anything asks about (see BlockOwners): its own, and those shown through synced references. */
export interface OwnedBlocks {
  own?: string[];
  shown?: string[];
}

/** The blocks of a page BlockOwners keeps: headings and blocks holding a sub-page or an inline database. */
export function ownedBlocks(blocks: BlockNode[]): OwnedBlocks {
  const own: string[] = [];
  const shown: string[] = [];
  walkBlocks(blocks, (b, shared) => {
    if (HEADINGS.has(b.type) || holdsSubPages(b)) (shared ? shown : own).push(b.id);
  });
  return { ...(own.length > 0 ? { own } : {}), ...(shown.length > 0 ? { shown } : {}) };
}

/**
 * Which exported page holds a block, and a heading's anchor in that page's file, learnt page by
 * page as the crawl goes (only block ids are kept, never the blocks), for the blocks anything
 * asks about: a block that holds a sub-page or an inline database (their `parent` is that
 * block) and a heading (links to it keep its anchor). Links to other blocks name their page in
 * the URL (`/<page id>#<block id>`) and need no lookup; keeping every block id would hold most
 * of a large sync's memory. A block seen through a synced_block reference belongs to the page
 * holding the original; only when that page is not exported does a referencing page hold it
 * (the smallest id, so the answer never depends on crawl order), with its anchor there.
 */
export class BlockOwners implements BlockLookup {
  private readonly pages: string[] = [];
  private readonly owner = new BlockIdTable();
  /** Each distinct anchor text once (many headings are "Overview", "Notes"…). */
  private readonly anchors: string[] = [];
  private readonly anchorIndex = new Map<string, number>();
  /** Blocks with an id that is not a Notion UUID (none from Notion; some in tests). */
  private readonly odd = new Map<string, { pageId: string; anchor: string | undefined }>();
  /** Blocks seen through synced references (few): block id → smallest referencing page id, and the anchor there. */
  private readonly viaReference = new Map<string, { pageId: string; anchor: string | undefined }>();

  /** A page's blocks, with the anchors of its headings in its file (`headingAnchorsOf`). */
  add(pageId: string, blocks: BlockNode[], anchors: ReadonlyMap<string, string> = new Map()): void {
    this.addOwned(pageId, ownedBlocks(blocks), anchors);
  }

  /**
   * A page by the blocks it holds that anything asks about (`ownedBlocks`) and the anchors of its
   * headings in its file: what the sync state keeps of it.
   */
  addOwned(pageId: string, owned: OwnedBlocks, anchors: ReadonlyMap<string, string> = new Map()): void {
    const index = this.pages.push(pageId) - 1;
    for (const id of owned.own ?? []) {
      const anchor = anchors.get(id);
      if (!this.owner.set(id, index, anchor === undefined ? undefined : this.intern(anchor))) this.odd.set(id, { pageId, anchor });
    }
    for (const id of owned.shown ?? []) {
      const known = this.viaReference.get(id);
      if (known === undefined || pageId < known.pageId) this.viaReference.set(id, { pageId, anchor: anchors.get(id) });
    }
  }

  /** The exported page holding a block (ask once every page has been added). */
  get(blockId: string): string | undefined {
    const held = this.owner.get(blockId);
    return held ? this.pages[held.owner] : (this.odd.get(blockId) ?? this.viaReference.get(blockId))?.pageId;
  }

  /** The anchor of a heading in the file of the page holding it (ask once every page has been added). */
  anchorOf(blockId: string): string | undefined {
    const held = this.owner.get(blockId);
    if (held) return held.anchor === undefined ? undefined : this.anchors[held.anchor];
    return (this.odd.get(blockId) ?? this.viaReference.get(blockId))?.anchor;
  }

  private intern(anchor: string): number {
    let i = this.anchorIndex.get(anchor);
    if (i === undefined) this.anchorIndex.set(anchor, (i = this.anchors.push(anchor) - 1));
    return i;
  }
}
