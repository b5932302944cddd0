import { describe, expect, it } from 'vitest';
import { fetchedAgain, listingOfCrawl, type FetchPlan } from '../../src/source/plan-fetch.js';

/**
 * The self-audit of a full run leaves out the pages an incremental run would have fetched again
 * now: it plans the full crawl as a listing (listingOfCrawl) with the planner itself.
 */
describe('listingOfCrawl: a full crawl as the listing the planner takes', () => {
  it('keeps every page with its parent as the API gave it, every database with its data sources and rows, and the pages holding block parents', () => {
    const listing = listingOfCrawl({
      pages: [
        { id: 'p1', parent: { type: 'workspace', workspace: true }, lastEdited: '2026-01-01T00:00:00.000Z' },
        { id: 'p2', parent: { type: 'page_id', page_id: 'p1' }, lastEdited: '2026-01-02T00:00:00.000Z' },
        { id: 'p3', parent: { type: 'block_id', block_id: 'b1' }, lastEdited: '2026-01-03T00:00:00.000Z' },
        { id: 'r1', parent: { type: 'data_source_id', data_source_id: 'ds1', database_id: 'db1' }, lastEdited: '2026-01-04T00:00:00.000Z' },
      ],
      databases: [{ database: { id: 'db1', parent: { type: 'page_id', page_id: 'p1' } }, dataSources: [{ dataSource: { id: 'ds1' }, rowIds: ['r1'] }] }],
      blockParents: new Map<string, string | null | undefined>([
        ['b1', 'p2'],
        ['b2', null],
        ['b3', undefined],
      ]),
    });
    expect([...listing.pages.values()]).toEqual([
      { id: 'p1', parent: { type: 'workspace' }, lastEdited: '2026-01-01T00:00:00.000Z' },
      { id: 'p2', parent: { type: 'page', id: 'p1' }, lastEdited: '2026-01-02T00:00:00.000Z' },
      { id: 'p3', parent: { type: 'block', id: 'b1' }, lastEdited: '2026-01-03T00:00:00.000Z' },
      { id: 'r1', parent: { type: 'data_source', id: 'ds1' }, lastEdited: '2026-01-04T00:00:00.000Z' },
    ]);
    expect([...listing.databases.values()]).toEqual([{ id: 'db1', parent: { type: 'page', id: 'p1' } }]);
    expect(listing.dataSources).toEqual(new Map([['ds1', 'db1']]));
    expect(listing.rows).toEqual(new Map([['ds1', new Set(['r1'])]]));
    // A block whose page was never asked for is not known; one asked for with no answer is null.
    expect(listing.blockPages).toEqual(new Map([['b1', 'p2'], ['b2', null]]));
    expect(listing.gone.size + listing.unchecked.size).toBe(0);
  });

  it('fetchedAgain: the pages fetched for a change of their own and those refreshed as parents or referrers', () => {
    const plan: FetchPlan = {
      fetch: new Map([['a', 'edited'], ['b', 'new']]),
      cache: new Set(['c']),
      refresh: new Map([['d', 'parent'], ['e', 'referrer']]),
      query: new Set(),
      left: new Set(['f']),
      pointedAt: new Map(),
      skipped: new Set(['g']),
    };
    expect(fetchedAgain(plan)).toEqual(new Set(['a', 'b', 'd', 'e']));
  });
});
