import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../src/config/config-schema.js';
import { parentRef, PrivacyGate } from '../../src/privacy/crawl-gate.js';
import { keyCheck, keyedHash, newPrivacyKey, parsePrivacyKey } from '../../src/privacy/keyed-hash.js';
import { hideExcluded, PrivacyPolicy } from '../../src/privacy/privacy-policy.js';
import type { CrawledPage } from '../../src/source/crawl-types.js';

const id = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const [ROOT, SECRET, UNDER, DEEP, DB, DS, ROW, ROW_CHILD, BLOCK, PLAIN, OTHER] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(id) as [string, ...string[]];
const COLUMN_LIST = id(12);

const policy = (privacy: Partial<ReturnType<typeof configDefaults>['privacy']>) => new PrivacyPolicy({ ...configDefaults().privacy, ...privacy });
const page = (pageId: string, parent: Record<string, unknown>, properties: Record<string, unknown> = { title: { type: 'title', title: [] } }) => ({
  object: 'page',
  id: pageId,
  parent,
  properties,
  last_edited_time: '2026-01-01T00:00:00.000Z',
});
const under = (pageId: string) => ({ type: 'page_id', page_id: pageId });
const top = { type: 'workspace', workspace: true };
const select = (name: string) => ({ Visibility: { id: 'v', type: 'select', select: { name } } });

describe('parentRef', () => {
  it.each([
    [{ type: 'workspace', workspace: true }, null],
    [{ type: 'page_id', page_id: ROOT }, { kind: 'page', id: ROOT }],
    [{ type: 'block_id', block_id: BLOCK }, { kind: 'block', id: BLOCK }],
    [{ type: 'database_id', database_id: DB }, { kind: 'database', id: DB }],
    [{ type: 'data_source_id', data_source_id: DS, database_id: DB }, { kind: 'database', id: DB }],
    [{ type: 'data_source_id', data_source_id: DS }, { kind: 'data_source', id: DS }],
    [{ type: 'page_id' }, undefined],
    [{ type: 'team_id', team_id: 'x' }, undefined],
    [null, undefined],
  ])('%j → %j', (parent, expected) => {
    expect(parentRef(parent)).toEqual(expected);
  });
});

describe('PrivacyGate: what is left out, decided from the listing', () => {
  const listing = () => [
    page(ROOT, top),
    page(SECRET, under(ROOT)),
    page(UNDER, under(SECRET)),
    page(DEEP, under(UNDER)),
    { object: 'data_source', id: DS, parent: { type: 'database_id', database_id: DB }, database_parent: under(ROOT) },
    page(ROW, { type: 'data_source_id', data_source_id: DS, database_id: DB }, select('Internal')),
    page(ROW_CHILD, under(ROW)),
    page(OTHER, { type: 'data_source_id', data_source_id: DS, database_id: DB }, select('Public')),
    page(PLAIN, under(ROOT)),
  ];
  const gateWith = (rules: Parameters<typeof policy>[0]) => {
    const gate = new PrivacyGate(policy(rules));
    for (const o of listing()) gate.listed(o);
    return gate;
  };

  it('a listed page and everything under it; a row matching excludeWhere and its sub-pages; nothing else', () => {
    const gate = gateWith({ excludePages: [SECRET], excludeWhere: [{ property: 'Visibility', equals: 'Internal' }] });
    expect([SECRET, UNDER, DEEP, ROW, ROW_CHILD].map((p) => gate.verdict(p))).toEqual(Array(5).fill('excluded'));
    expect([ROOT, PLAIN, OTHER, DB, DS].map((p) => gate.verdict(p))).toEqual(Array(5).fill('kept'));
    expect(gate.missingParents()).toEqual([]);
    expect([...gate.excluded()].sort()).toEqual([
      [SECRET, 'page'],
      [UNDER, 'page'],
      [DEEP, 'page'],
      [ROW, 'page'],
      [ROW_CHILD, 'page'],
    ].sort());
  });

  it('a listed database leaves out its data source, its rows and what is under them (placed by the data source listing alone)', () => {
    const gate = gateWith({ excludePages: [DB] });
    expect([DB, DS, ROW, ROW_CHILD, OTHER].map((p) => gate.verdict(p))).toEqual(Array(5).fill('excluded'));
    expect(gate.verdict(PLAIN)).toBe('kept');
    expect(gate.excludes(ROW_CHILD)).toBe(true);
  });

  it('an id never listed is left out only when excludePages names it', () => {
    const gate = gateWith({ excludePages: [id(99)] });
    expect(gate.verdict(id(99))).toBe('excluded');
    expect(gate.verdict(id(98))).toBe('unknown');
    expect(gate.excludes(id(98))).toBe(false);
  });

  it('a page held by a block: unknown until the block is placed (missingParents asks for it), then as its page', () => {
    const gate = gateWith({ excludePages: [SECRET] });
    const inColumn = id(20);
    gate.listed(page(inColumn, { type: 'block_id', block_id: BLOCK }));
    expect(gate.verdict(inColumn)).toBe('unknown');
    expect(gate.missingParents()).toEqual([{ kind: 'block', id: BLOCK }]);
    gate.note({ object: 'block', id: BLOCK, parent: { type: 'block_id', block_id: COLUMN_LIST } });
    expect(gate.missingParents()).toEqual([{ kind: 'block', id: COLUMN_LIST }]);
    gate.note({ object: 'block', id: COLUMN_LIST, parent: under(SECRET) });
    expect(gate.verdict(inColumn)).toBe('excluded');
    expect(gate.missingParents()).toEqual([]);
  });

  it('a page found in the tree of a page being crawled is kept unless the rules leave it out itself or its listing places it under a left-out page', () => {
    const gate = gateWith({ excludePages: [SECRET], excludeWhere: [{ property: 'title', equals: 'Drafts' }] });
    const [a, b, c] = [id(30), id(31), id(32)];
    gate.listed(page(a, { type: 'block_id', block_id: BLOCK }));
    expect(gate.keepsChild({ id: a, type: 'child_page', parent: { type: 'block_id', block_id: BLOCK }, child_page: { title: 'Anything' } })).toBe(true);
    expect(gate.verdict(a)).toBe('kept');
    // Not listed: its block's title is enough for a rule on `title`.
    expect(gate.keepsChild({ id: b, type: 'child_page', parent: under(PLAIN), child_page: { title: 'Drafts' } })).toBe(false);
    expect(gate.keepsChild({ id: c, type: 'child_page', parent: under(PLAIN), child_page: { title: 'Notes' } })).toBe(true);
    // The listing said it sits in the secret page: left out, wherever the walk met it.
    expect(gate.keepsChild({ id: UNDER, type: 'child_page', parent: under(PLAIN), child_page: { title: 'Under' } })).toBe(false);
    expect(gate.keepsChild({ id: SECRET, type: 'child_page', parent: under(ROOT), child_page: { title: 'Secret' } })).toBe(false);
    expect(gate.keepsChild({ id: id(33), type: 'paragraph' })).toBe(true);
  });

  it('a listed object without properties cannot be decided by excludeWhere: its object is asked for', () => {
    const gate = gateWith({ excludeWhere: [{ property: 'Visibility', equals: 'Internal' }] });
    const partial = id(40);
    gate.listed({ object: 'page', id: partial, parent: under(ROOT) });
    expect(gate.missingParents()).toEqual([{ kind: 'page', id: partial }]);
    gate.note(page(partial, under(ROOT), select('Internal')));
    expect(gate.verdict(partial)).toBe('excluded');
    // Without excludeWhere rules the id alone decides.
    const byId = gateWith({ excludePages: [SECRET] });
    byId.listed({ object: 'page', id: partial, parent: under(ROOT) });
    expect(byId.verdict(partial)).toBe('kept');
  });

  it('a page moved out from under a left-out page is kept once its new place is listed', () => {
    const gate = gateWith({ excludePages: [SECRET] });
    expect(gate.verdict(DEEP)).toBe('excluded');
    gate.listed(page(UNDER, under(ROOT)));
    expect(gate.verdict(DEEP)).toBe('kept');
  });

  it('keyed hashes: kept things are recognised, left-out ones are matched back to this run\'s ids', () => {
    const key = newPrivacyKey();
    const gate = gateWith({ excludePages: [SECRET] });
    expect(gate.revealsAny(key, [keyedHash(key, SECRET), keyedHash(key, id(77))])).toBe(false);
    expect(gate.revealsAny(key, [keyedHash(key, id(77)), keyedHash(key, PLAIN)])).toBe(true);
    expect(gate.idsOf(key, [keyedHash(key, DEEP), keyedHash(key, id(77))])).toEqual([DEEP]);
    // Another key: nothing matches.
    expect(gate.revealsAny(newPrivacyKey(), [keyedHash(key, PLAIN)])).toBe(false);
  });
});

describe('PrivacyGate with a reader: parents retrieved, never the page being decided', () => {
  const blocks: Record<string, Record<string, unknown>> = {
    [BLOCK]: { object: 'block', id: BLOCK, type: 'column', parent: { type: 'block_id', block_id: COLUMN_LIST } },
    [COLUMN_LIST]: { object: 'block', id: COLUMN_LIST, type: 'column_list', parent: under(SECRET) },
  };
  const reader = (asked: string[]) => ({
    iterateSearch: async function* () {},
    retrieveBlock: async (b: string) => {
      asked.push(`block ${b}`);
      if (!blocks[b]) throw Object.assign(new Error('not found'), { code: 'not_found' });
      return blocks[b] as never;
    },
    retrievePage: async (p: string) => {
      asked.push(`page ${p}`);
      if (p === OTHER) throw Object.assign(new Error('not found'), { code: 'not_found' });
      if (p === DEEP) throw Object.assign(new Error('timed out'), { code: 'network' });
      return page(p, p === UNDER ? under(SECRET) : under(ROOT)) as never;
    },
    retrieveDatabase: async (d: string) => {
      asked.push(`database ${d}`);
      return { object: 'database', id: d, parent: under(ROOT) } as never;
    },
    retrieveDataSource: async (d: string) => {
      asked.push(`data source ${d}`);
      return { object: 'data_source', id: d, parent: { type: 'database_id', database_id: DB } } as never;
    },
  });

  it('settle: retrieves each missing parent once, decides, and counts those requests', async () => {
    const asked: string[] = [];
    const gate = new PrivacyGate(policy({ excludePages: [SECRET] }), reader(asked));
    gate.listed(page(ROOT, top));
    gate.listed(page(SECRET, under(ROOT)));
    const [a, b] = [id(50), id(51)];
    gate.listed(page(a, { type: 'block_id', block_id: BLOCK }));
    gate.listed(page(b, { type: 'block_id', block_id: BLOCK }));
    await gate.settle();
    expect(asked).toEqual([`block ${BLOCK}`, `block ${COLUMN_LIST}`]);
    expect([gate.verdict(a), gate.verdict(b)]).toEqual(['excluded', 'excluded']);
    expect(gate.requestsSpent).toBe(2);
  });

  it('admit: a page no listing showed is retrieved itself (its object handed back); a listed id is never asked for', async () => {
    const asked: string[] = [];
    const gate = new PrivacyGate(policy({ excludePages: [SECRET] }), reader(asked));
    gate.listed(page(ROOT, top));
    expect(await gate.admit('page', SECRET)).toEqual({ keep: false });
    const unlisted = await gate.admit('page', PLAIN);
    expect(unlisted.keep).toBe(true);
    expect(unlisted.object?.id).toBe(PLAIN);
    // A page under a page no listing showed: that parent is retrieved, and it sits in the secret page.
    const underUnder = id(52);
    expect((await gate.admit('page', underUnder, page(underUnder, under(UNDER)) as never)).keep).toBe(false);
    expect(asked).toEqual([`page ${PLAIN}`, `page ${UNDER}`]);
    // When the page itself cannot be retrieved, the error is the page's (the crawl reports it).
    await expect(gate.admit('page', DEEP)).rejects.toMatchObject({ code: 'network' });
  });

  it('the last run\'s block hints place a block without a request while its page is unchanged since; an edited page means retrieving it again', async () => {
    const key = newPrivacyKey();
    const first: string[] = [];
    const before = new PrivacyGate(policy({ excludePages: [SECRET] }), reader(first));
    const inColumn = id(53);
    for (const o of [page(ROOT, top), page(SECRET, under(ROOT)), page(inColumn, { type: 'block_id', block_id: BLOCK })]) before.listed(o);
    await before.settle();
    expect(first).toHaveLength(2);
    const homes = before.blockHomes(key);
    // Keyed hashes only: block → the page it sits in.
    expect(homes).toEqual({ [keyedHash(key, BLOCK)]: keyedHash(key, SECRET), [keyedHash(key, COLUMN_LIST)]: keyedHash(key, SECRET) });
    const next = (secretEdited: string) => {
      const asked: string[] = [];
      const gate = new PrivacyGate(policy({ excludePages: [SECRET] }), reader(asked));
      gate.useHints({ homes: new Map(Object.entries(homes)), key, changedFrom: '2026-01-02T00:00:00.000Z' });
      for (const o of [page(ROOT, top), { ...page(SECRET, under(ROOT)), last_edited_time: secretEdited }, page(inColumn, { type: 'block_id', block_id: BLOCK })]) gate.listed(o);
      return { gate, asked };
    };
    const unchanged = next('2026-01-01T00:00:00.000Z');
    await unchanged.gate.settle();
    expect(unchanged.asked).toEqual([]);
    expect(unchanged.gate.verdict(inColumn)).toBe('excluded');
    expect(unchanged.gate.hintsUsed).toBe(1);
    const edited = next('2026-01-02T00:00:00.000Z');
    await edited.gate.settle();
    expect(edited.asked).toEqual([`block ${BLOCK}`, `block ${COLUMN_LIST}`]);
    expect(edited.gate.verdict(inColumn)).toBe('excluded');
  });

  it('the sync state\'s plain `blocks` are hints too (for kept pages): the page a block sits in is known without a request, and blockHomes leaves out what the state names in plain ids', async () => {
    const key = newPrivacyKey();
    const asked: string[] = [];
    const gate = new PrivacyGate(policy({ excludePages: [SECRET] }), reader(asked));
    const inColumn = id(54);
    const plain = new Map([[BLOCK, ROOT]]);
    gate.useHints({ homes: new Map(), pages: (b) => plain.get(b), key, changedFrom: '2026-01-02T00:00:00.000Z' });
    for (const o of [page(ROOT, top), page(SECRET, under(ROOT)), page(inColumn, { type: 'block_id', block_id: BLOCK })]) gate.listed(o);
    expect(gate.pageOfBlock(BLOCK)).toBeUndefined();
    await gate.settle();
    expect(asked).toEqual([]);
    expect(gate.verdict(inColumn)).toBe('kept');
    // What the incremental listing asks before it retrieves a block itself.
    expect(gate.pageOfBlock(BLOCK)).toBe(ROOT);
    expect(gate.pageOfBlock(id(55))).toBeUndefined();
    expect(gate.blockHomes(key)).toEqual({ [keyedHash(key, BLOCK)]: keyedHash(key, ROOT) });
    expect(gate.blockHomes(key, (b, p) => plain.get(b) === p)).toEqual({});
  });

  it('admit: gone (404) is not kept; a parent that is not shared ends the chain; a parent that cannot be had leaves out what hangs below it', async () => {
    const asked: string[] = [];
    const gate = new PrivacyGate(policy({ excludePages: [SECRET] }), reader(asked));
    expect(await gate.admit('page', OTHER)).toEqual({ keep: false });
    // A page under a block nobody shares: the chain ends there, the page is kept.
    const lone = id(60);
    expect((await gate.admit('page', lone, page(lone, { type: 'block_id', block_id: id(61) }) as never)).keep).toBe(true);
    // A page whose parent cannot be retrieved (network): left out, counted as unchecked.
    const orphan = id(62);
    expect((await gate.admit('page', orphan, page(orphan, under(DEEP)) as never)).keep).toBe(false);
    expect(gate.uncheckedCount()).toBe(1);
  });
});

describe('keyed hashes', () => {
  it('one hash for both spellings of an id, another under another key; the key file round-trips', () => {
    const key = newPrivacyKey();
    expect(keyedHash(key, ROOT)).toBe(keyedHash(key, ROOT.replaceAll('-', '').toUpperCase()));
    expect(keyedHash(key, ROOT)).toMatch(/^[0-9a-f]{32}$/);
    expect(keyedHash(key, ROOT)).not.toContain(ROOT.replaceAll('-', '').slice(0, 8));
    expect(keyedHash(newPrivacyKey(), ROOT)).not.toBe(keyedHash(key, ROOT));
    expect(parsePrivacyKey(`${key.toString('hex')}\n`)).toEqual(key);
    expect(parsePrivacyKey('not a key')).toBeNull();
    expect(keyCheck(key)).not.toBe(keyCheck(newPrivacyKey()));
  });
});

describe('hideExcluded: what a page lost', () => {
  const annotations = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };
  it('returns the left-out ids it removed traces of, in blocks and in comments', () => {
    const mentionOf = (target: string) => ({ type: 'mention', mention: { type: 'page', page: { id: target } }, annotations, plain_text: 'Secret title', href: null });
    const unit = {
      page: { object: 'page', id: ROOT, properties: {}, parent: top },
      blocks: [
        { object: 'block', id: id(70), type: 'child_page', child_page: { title: 'Secret title' }, has_children: false, children: [] },
        { object: 'block', id: id(71), type: 'paragraph', paragraph: { rich_text: [mentionOf(PLAIN)] }, has_children: false, children: [] },
      ],
      comments: [{ object: 'comment', id: id(72), rich_text: [mentionOf(UNDER)] }],
    } as unknown as CrawledPage;
    const hidden = hideExcluded(unit, (x) => x === id(70) || x === UNDER);
    expect([...hidden].sort()).toEqual([id(70), UNDER].sort());
    expect(unit.blocks.map((b) => b.id)).toEqual([id(71)]);
    expect(JSON.stringify(unit.comments)).not.toContain('Secret title');
    expect(JSON.stringify(unit.comments)).toContain('(private page)');
  });
});
