import { describe, expect, it } from 'vitest';
import { previousFromState, type SyncState } from '../../src/publish/sync-state.js';
import { emptyListing, listedParentKey, planFetch, type FetchPlan, type ListedParent, type Listing, type PlanOptions } from '../../src/source/plan-fetch.js';

/**
 * The fetch planner against a small model of a workspace. Each row makes one kind of change
 * between two runs, under both server behaviours: `all` (a structural change bumps the parent, a
 * trash bumps the pages relating to the page) and `documented` (neither). Whatever is bumped, the
 * same pages must have their content fetched again, and the same must leave the archive.
 */

type Bumps = 'all' | 'documented';
const T0 = '2026-01-01T10:00:00.000Z'; // every edit before the previous run
const RUN = '2026-01-02T03:00:20.000Z'; // the previous run's start
const T1 = '2026-01-03T09:00:00.000Z'; // edits between the runs

interface Node {
  kind: 'page' | 'database';
  parent: ListedParent;
  edited: string;
  /** Mentions and link_to_page targets in its content. */
  points: string[];
  /** Relation values (not returned while the target is in the trash). */
  relates: string[];
  holds?: string[];
  shows?: string[];
  /** Blocks in its content that pages sit under. */
  blocks?: string[];
  dataSources?: string[];
  trashed?: boolean;
  unshared?: boolean;
}

class World {
  nodes = new Map<string, Node>();
  /** The time edits are stamped with. */
  now = T1;
  constructor(readonly bumps: Bumps) {}

  page(id: string, parent: ListedParent, extra: Partial<Node> = {}): this {
    this.nodes.set(id, { kind: 'page', parent, edited: T0, points: [], relates: [], ...extra });
    return this;
  }
  database(id: string, parent: ListedParent, dataSources: string[]): this {
    this.nodes.set(id, { kind: 'database', parent, edited: T0, points: [], relates: [], dataSources });
    return this;
  }
  clone(): World {
    const w = new World(this.bumps);
    for (const [id, n] of this.nodes) w.nodes.set(id, structuredClone(n));
    return w;
  }

  /** The page (or database, for a row) whose content lists this parent. */
  containerOf(parent: ListedParent): string | null {
    switch (parent.type) {
      case 'page':
        return parent.id;
      case 'block':
        return [...this.nodes].find(([, n]) => n.blocks?.includes(parent.id))?.[0] ?? null;
      case 'data_source':
        return this.databaseOf(parent.id);
      default:
        return null;
    }
  }
  databaseOf(ds: string): string | null {
    return [...this.nodes].find(([, n]) => n.dataSources?.includes(ds))?.[0] ?? null;
  }
  /** In the trash or unshared, itself or through a parent. */
  gone(id: string): boolean {
    for (let at: string | null = id, depth = 0; at && depth < 20; depth++) {
      const n = this.nodes.get(at);
      if (!n || n.trashed || n.unshared) return true;
      at = this.containerOf(n.parent);
    }
    return false;
  }
  private bump(id: string | null) {
    const n = id ? this.nodes.get(id) : undefined;
    if (n) n.edited = this.now;
  }
  private structural(id: string | null) {
    if (this.bumps === 'all') this.bump(id);
  }

  edit(id: string) {
    this.bump(id);
  }
  create(id: string, parent: ListedParent, extra: Partial<Node> = {}) {
    this.page(id, parent, { edited: this.now, ...extra });
    this.structural(this.containerOf(parent));
  }
  createDatabase(id: string, parent: ListedParent, dataSources: string[]) {
    this.database(id, parent, dataSources);
    this.nodes.get(id)!.edited = this.now;
    this.structural(this.containerOf(parent));
  }
  move(id: string, parent: ListedParent) {
    const n = this.nodes.get(id)!;
    const same = listedParentKey(n.parent) === listedParentKey(parent);
    this.structural(this.containerOf(n.parent));
    this.structural(this.containerOf(parent));
    this.structural(id);
    // Within one parent, a move reorders that page's blocks (an edit of its content).
    if (same) this.bump(this.containerOf(parent));
    n.parent = parent;
  }
  private setTrash(id: string, value: boolean) {
    const before = new Set([...this.nodes.keys()].filter((p) => this.gone(p)));
    this.nodes.get(id)!.trashed = value;
    this.structural(this.containerOf(this.nodes.get(id)!.parent));
    const changed = new Set([...this.nodes.keys()].filter((p) => this.gone(p) !== before.has(p)));
    for (const [pid, n] of this.nodes) if (n.relates.some((r) => changed.has(r))) this.structural(pid);
  }
  trash(id: string) {
    this.setTrash(id, true);
  }
  restore(id: string) {
    this.setTrash(id, false);
  }
  share(id: string, shared: boolean) {
    this.nodes.get(id)!.unshared = !shared;
  }

  /** What a full sync of this world records: the sync state. */
  state(left: SyncState['left'] = {}): SyncState {
    const pages: SyncState['pages'] = {};
    const databases: SyncState['databases'] = {};
    const dataSources: SyncState['dataSources'] = {};
    for (const [id, n] of this.nodes) {
      if (this.gone(id)) continue;
      const under = this.containerOf(n.parent) ?? undefined;
      if (n.kind === 'database') {
        databases[id] = { parent: listedParentKey(n.parent), ...(under ? { under } : {}), dataSources: n.dataSources! };
        for (const ds of n.dataSources!) dataSources[ds] = [...this.nodes].filter(([r, rn]) => rn.parent.type === 'data_source' && rn.parent.id === ds && !this.gone(r)).map(([r]) => r);
        continue;
      }
      // Sub-pages and child databases its content lists.
      const listed = [...this.nodes].filter(([c, cn]) => c !== id && cn.parent.type !== 'data_source' && this.containerOf(cn.parent) === id && !this.gone(c)).map(([c]) => c);
      const refs = [...new Set([...listed, ...n.points, ...n.relates.filter((r) => !this.gone(r))])].sort();
      pages[id] = {
        lastEdited: n.edited,
        digest: 'd',
        path: `${id}.md`,
        assets: [],
        at: [0, 0],
        checksum: 'c',
        requests: 1,
        parent: listedParentKey(n.parent),
        ...(under ? { under } : {}),
        ...(refs.length > 0 ? { refs } : {}),
        ...(n.holds ? { holds: n.holds } : {}),
        ...(n.shows ? { shows: n.shows } : {}),
      };
    }
    return { format: 'notion-kb/sync-state', version: 2, snapshotId: 's', startedAt: RUN, configKey: 'k', cache: 'c.spool', pages, dataSources, databases, assets: {}, ...(left && Object.keys(left).length ? { left } : {}) };
  }

  /** What an incremental run lists: search (pages and data sources not gone), and the previous sync's pages it did not list, as gone. */
  listing(prev: SyncState): Listing {
    const l = emptyListing();
    for (const [id, n] of this.nodes) {
      if (this.gone(id)) continue;
      if (n.kind === 'page') {
        l.pages.set(id, { id, parent: n.parent, lastEdited: n.edited });
        if (n.parent.type === 'data_source') {
          if (!l.rows.has(n.parent.id)) l.rows.set(n.parent.id, new Set());
          l.rows.get(n.parent.id)!.add(id);
        }
      } else {
        l.databases.set(id, { id, parent: n.parent });
        for (const ds of n.dataSources!) l.dataSources.set(ds, id);
      }
    }
    for (const id of [...Object.keys(prev.pages), ...Object.keys(prev.databases)]) if (this.gone(id)) l.gone.add(id);
    return l;
  }
}

const page = (id: string): ListedParent => ({ type: 'page', id });
const block = (id: string): ListedParent => ({ type: 'block', id });
const ds = (id: string): ListedParent => ({ type: 'data_source', id });

/**
 * home ─ a ─ c, d                       db (ds1: r1, r2 → relates to r1; ds2: r3)
 *      ├ b ─ [column k] ─ e, x, y       m mentions x, l links to y, q links to db
 *      ├ o (holds synced original)      s shows o's synced block
 */
function baseWorld(bumps: Bumps): World {
  return new World(bumps)
    .page('home', { type: 'workspace' })
    .page('a', page('home'))
    .page('c', page('a'))
    .page('d', page('a'))
    .page('b', page('home'), { blocks: ['k'] })
    .page('e', block('k'))
    .page('x', block('k'))
    .page('y', page('b'))
    .page('m', page('home'), { points: ['x'] })
    .page('l', page('home'), { points: ['y'] })
    .page('q', page('home'), { points: ['db'] })
    .page('o', page('home'), { holds: ['orig'] })
    .page('s', page('home'), { shows: ['orig'] })
    .database('db', page('home'), ['ds1', 'ds2'])
    .page('r1', ds('ds1'))
    .page('r2', ds('ds1'), { relates: ['r1'] })
    .page('r3', ds('ds2'));
}

interface Row {
  change: string;
  apply: (w: World) => void;
  /** A second change, planned from the state the first run left. */
  then?: (w: World) => void;
  /** Pages whose content the (last) run fetches: for a change of their own, or again as parent or referrer. */
  fetched: string[];
  /** Fetched too where the server bumps them (`all`): the page itself after a move; the parent of a page nothing else needs. */
  alsoBumped?: string[];
  left?: string[];
  query?: string[];
  /** Runs from a previous sync started in the minute of this page's edit (and its edit is then). */
  sameMinute?: string;
  options?: PlanOptions;
  listing?: (l: Listing) => void;
}

const rows: Row[] = [
  { change: 'an edit', apply: (w) => w.edit('c'), fetched: ['c'] },
  { change: 'an edit in the same minute as the previous run', apply: () => {}, sameMinute: 'c', fetched: ['c'] },
  { change: 'a rename', apply: (w) => w.edit('y'), fetched: ['y'] },
  { change: 'a move within one parent', apply: (w) => w.move('c', page('a')), fetched: ['a'], alsoBumped: ['c'] },
  { change: 'a move between parents', apply: (w) => w.move('c', page('b')), fetched: ['c', 'a', 'b'] },
  { change: 'a move under a block of another page', apply: (w) => w.move('d', block('k')), fetched: ['d', 'a', 'b'] },
  { change: 'a page moved into a database', apply: (w) => w.move('d', ds('ds1')), fetched: ['d', 'a'], query: ['ds1'] },
  { change: 'a page moved out of a database', apply: (w) => w.move('r3', page('b')), fetched: ['r3', 'b'], query: ['ds2'] },
  { change: 'a new sub-page', apply: (w) => w.create('n', page('a')), fetched: ['n', 'a'] },
  { change: 'a new sub-page under a block', apply: (w) => w.create('n', block('k')), fetched: ['n', 'b'] },
  { change: 'a new row', apply: (w) => w.create('n', ds('ds2')), fetched: ['n'], query: ['ds2'] },
  { change: 'a new database', apply: (w) => w.createDatabase('db2', page('a'), ['ds9']), fetched: ['a'], query: ['ds9'] },
  { change: 'a database moved', apply: (w) => w.move('db', page('a')), fetched: ['home', 'a'] },
  { change: 'trash', apply: (w) => w.trash('c'), fetched: ['a'], left: ['c'] },
  { change: 'trash, then restore', apply: (w) => w.trash('c'), then: (w) => w.restore('c'), fetched: ['c', 'a'] },
  { change: 'trash of a page with sub-pages', apply: (w) => w.trash('a'), fetched: ['home'], left: ['a', 'c', 'd'] },
  { change: 'unshare', apply: (w) => w.share('y', false), fetched: ['b', 'l'], left: ['y'] },
  { change: 'unshare, then share again', apply: (w) => w.share('y', false), then: (w) => w.share('y', true), fetched: ['y', 'b', 'l'] },
  { change: 'a database deleted', apply: (w) => w.trash('db'), fetched: ['home', 'q'], left: ['db', 'r1', 'r2', 'r3'] },
  { change: 'a row moved to another data source', apply: (w) => w.move('r3', ds('ds1')), fetched: ['r3'], query: ['ds1', 'ds2'] },
  { change: 'a relation target trashed', apply: (w) => w.trash('r1'), fetched: ['r2'], left: ['r1'], query: ['ds1'] },
  { change: 'a relation target trashed, then restored', apply: (w) => w.trash('r1'), then: (w) => w.restore('r1'), fetched: ['r1', 'r2'], query: ['ds1'] },
  { change: 'a mentioned page trashed', apply: (w) => w.trash('x'), fetched: ['b', 'm'], left: ['x'] },
  { change: 'a link_to_page target trashed', apply: (w) => w.trash('y'), fetched: ['b', 'l'], left: ['y'] },
  { change: "a synced block's original edited", apply: (w) => w.edit('o'), fetched: ['o', 's'] },
  { change: 'a new page a rule leaves out before fetching', apply: (w) => w.create('n', page('a')), options: { skip: (p) => p.id === 'n' }, fetched: [], alsoBumped: ['a'] },
  { change: 'a new database a rule leaves out before fetching', apply: (w) => w.createDatabase('db2', page('a'), ['ds9']), options: { skip: (e) => e.id === 'db2' }, fetched: [], alsoBumped: ['a'] },
  { change: 'a page of the previous sync a rule now leaves out', apply: () => {}, options: { skip: (e) => e.id === 'c' }, fetched: ['a'], left: ['c'] },
  {
    change: 'a page search did not list and a retrieve could not check',
    apply: () => {},
    listing: (l) => {
      l.pages.delete('d');
      l.unchecked.add('d');
    },
    fetched: ['d'],
  },
];

function run(row: Row, bumps: Bumps): { plan: FetchPlan; world: World } {
  const world = baseWorld(bumps);
  if (row.sameMinute) world.nodes.get(row.sameMinute)!.edited = '2026-01-02T03:00:00.000Z';
  const state = world.state();
  row.apply(world);
  const plan = planFetch(previousFromState(state, async () => null), withTweak(world.listing(state), row), row.options);
  if (!row.then) return { plan, world };
  // The run in between published what the first change made, and remembered who pointed at what left.
  const between = { ...world.state(Object.fromEntries(plan.pointedAt)), startedAt: '2026-01-04T03:00:20.000Z' };
  world.now = '2026-01-05T09:00:00.000Z';
  row.then(world);
  return { plan: planFetch(previousFromState(between, async () => null), world.listing(between), row.options), world };
}
const withTweak = (l: Listing, row: Row) => (row.listing?.(l), l);
const fetchedBy = (plan: FetchPlan) => [...plan.fetch.keys(), ...plan.refresh.keys()].sort();

describe.each(['all', 'documented'] as const)('planFetch, the server bumping %s', (bumps) => {
  it.each(rows)('$change', (row) => {
    const { plan } = run(row, bumps);
    expect(fetchedBy(plan)).toEqual([...row.fetched, ...(bumps === 'all' ? (row.alsoBumped ?? []) : [])].sort());
    expect([...plan.left].sort()).toEqual([...(row.left ?? [])].sort());
    expect([...plan.query].sort()).toEqual([...(row.query ?? [])].sort());
    // Every page of the previous sync is fetched, taken from the cache, or gone; never two of these.
    const state = baseWorld(bumps).state();
    for (const id of Object.keys(state.pages)) {
      const ways = [plan.fetch.has(id) || plan.refresh.has(id), plan.cache.has(id), plan.left.has(id)].filter(Boolean).length;
      if (!row.then) expect(ways, id).toBe(1);
    }
  });
});

describe('planFetch, details', () => {
  it('fetches a parent again as a refresh when Notion did not bump it, as an edit when it did', () => {
    const documented = run(rows.find((r) => r.change === 'a move between parents')!, 'documented').plan;
    expect(documented.fetch.get('c')).toBe('moved');
    expect(documented.refresh.get('a')).toBe('parent');
    expect(documented.refresh.get('b')).toBe('parent');
    const all = run(rows.find((r) => r.change === 'a move between parents')!, 'all').plan;
    expect(all.fetch.get('a')).toBe('edited');
    expect(all.refresh.size).toBe(0);
  });

  it('remembers who pointed at a page that left, and fetches them again when it comes back', () => {
    const { plan } = run({ change: 'trash', apply: (w) => w.trash('r1'), fetched: [] }, 'documented');
    expect(plan.pointedAt.get('r1')).toEqual(['r2']);
    expect(plan.refresh.get('r2')).toBe('referrer');
    const back = run(rows.find((r) => r.change === 'a relation target trashed, then restored')!, 'documented').plan;
    expect(back.refresh.get('r2')).toBe('referrer');
    expect(back.fetch.get('r1')).toBe('new');
  });

  it('with nothing changed, takes every page from the cache and queries nothing', () => {
    for (const bumps of ['all', 'documented'] as const) {
      const world = baseWorld(bumps);
      const state = world.state();
      const plan = planFetch(previousFromState(state, async () => null), world.listing(state));
      expect(plan.fetch.size + plan.refresh.size + plan.query.size + plan.left.size).toBe(0);
      expect([...plan.cache].sort()).toEqual(Object.keys(state.pages).sort());
    }
  });
});
