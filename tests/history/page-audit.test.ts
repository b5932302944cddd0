// The self-audit's comparisons of one page in two snapshots (src/history/page-audit.ts) and the
// digest that sets formulas, rollups and comments aside (src/normalise/page-digest.ts).
import { describe, expect, it } from 'vitest';
import type { PageObjectResponse } from '@notionhq/client';
import { commentsChanged, computedChanges, sameApartFromComputed, type PageFilesText } from '../../src/history/page-audit.js';
import { LinkIndex, PageLinks } from '../../src/links/link-index.js';
import { editableDigest, pageDigest } from '../../src/normalise/page-digest.js';
import type { Discussion, PageEntry, PageRecord, PropertyValue } from '../../src/normalise/schemas.js';
import type { PathPlan } from '../../src/publish/plan-paths.js';
import { discussionSection } from '../../src/render/markdown/discussion.js';
import { pageDocument } from '../../src/render/markdown/documents.js';

const ROW = '55555555-5555-4555-8555-555555555555';
const DB = '44444444-4444-4444-8444-444444444444';
const ROW_MD = 'pages/sessions-44444444/kick-off-55555555.md';
const user = { id: '00000000-0000-4000-8000-0000000000f1', name: 'Ana', type: 'person' as const };

const plan: PathPlan = {
  pages: new Map([[ROW, { markdown: ROW_MD, record: `records/${ROW}.json`, parentId: DB, databaseId: DB }]]),
  databases: new Map(),
  pageOfBlock: new Map(),
};
const entry: PageEntry = {
  id: ROW,
  title: 'Kick-off',
  path: ROW_MD,
  record: `records/${ROW}.json`,
  parentId: DB,
  databaseId: DB,
  url: 'https://www.notion.so/Kick-off-55555555555545558555555555555555',
  createdTime: '2024-01-08T08:19:00.000Z',
  lastEditedTime: '2024-01-08T08:19:00.000Z',
};
const properties: Record<string, PropertyValue> = {
  Name: { type: 'title', value: { text: 'Kick-off', markdown: 'Kick-off' } },
  Budget: { type: 'number', value: 860 },
  Label: { type: 'formula', value: { type: 'string', value: 'Berlin · DE' } },
  'Days left': { type: 'formula', value: { type: 'number', value: 12 } },
  Cities: { type: 'rollup', value: { type: 'array', function: 'show_unique', value: [{ type: 'select', value: { name: 'Berlin', color: 'blue' } }] } },
};
const discussion = (text: string): Discussion => ({
  id: '77777777-7777-4777-8777-777777777777',
  parent: { type: 'page', id: ROW },
  comments: [
    {
      id: '88888888-8888-4888-8888-888888888888',
      author: user,
      displayName: null,
      createdTime: '2024-02-01T10:00:00.000Z',
      lastEditedTime: '2024-02-01T10:00:00.000Z',
      text: { text, markdown: text },
      attachments: [],
    },
  ],
});

/** A page's record and Markdown, rendered as the render pass does (frontmatter, property table, body, Discussion section). */
function page(opts: { props?: Record<string, PropertyValue>; body?: string; discussions?: Discussion[]; digest?: string } = {}): PageFilesText {
  const record: PageRecord = {
    ...entry,
    icon: null,
    cover: null,
    properties: opts.props ?? properties,
    links: [],
    assets: [],
    plainText: opts.body ?? '',
    unrendered: [],
    authors: { createdBy: user, lastEditedBy: user },
    ...(opts.discussions ? { discussions: opts.discussions } : {}),
    digest: opts.digest ?? `sha256:${'0'.repeat(64)}`,
  };
  let body = opts.body ?? 'The kick-off of the academy.';
  if (opts.discussions?.length) body = `${body}\n\n${discussionSection(opts.discussions, { markdownOf: () => opts.discussions![0]!.comments[0]!.text.markdown, heading: () => null })}`;
  const markdown = pageDocument(entry, record, body, () => null, new PageLinks(new LinkIndex(plan), ROW, ROW_MD));
  return { record, markdown };
}

const other = `sha256:${'1'.repeat(64)}`;
const withProps = (changes: Record<string, PropertyValue>) => ({ ...properties, ...changes });

describe('self-audit: one page in two snapshots', () => {
  it('names the formula and rollup properties whose values changed, and nothing else', () => {
    const before = page();
    const after = page({ props: withProps({ 'Days left': { type: 'formula', value: { type: 'number', value: 11 } }, Cities: { type: 'rollup', value: { type: 'array', function: 'show_unique', value: [] } } }), digest: other });
    expect(computedChanges(before.record, after.record)).toEqual(['Cities', 'Days left']);
    expect(computedChanges(before.record, page({ props: withProps({ Budget: { type: 'number', value: 1 } }) }).record)).toEqual([]);
    expect(sameApartFromComputed(before, after)).toBe(true);
    expect(after.markdown).not.toBe(before.markdown);
  });

  it('sets comments aside: the discussions in the record and the Discussion section at the end of the Markdown', () => {
    const before = page({ discussions: [] });
    const after = page({ discussions: [discussion('A remark')], digest: other });
    expect(after.markdown).toContain('## Discussion');
    expect(commentsChanged(before.record, after.record)).toBe(true);
    expect(commentsChanged(before.record, page({ discussions: [] }).record)).toBe(false);
    expect(sameApartFromComputed(before, after)).toBe(true);
    expect(sameApartFromComputed(page({ discussions: [discussion('A remark')] }), page({ discussions: [discussion('Edited remark')] }))).toBe(true);
  });

  it('sees any other difference: the body, another property, a formula change together with a body change', () => {
    const before = page();
    expect(sameApartFromComputed(before, page({ body: 'A stale body.', digest: other }))).toBe(false);
    expect(sameApartFromComputed(before, page({ props: withProps({ Budget: { type: 'number', value: 900 } }) }))).toBe(false);
    expect(sameApartFromComputed(before, page({ props: withProps({ Label: { type: 'formula', value: { type: 'string', value: 'x' } } }), body: 'Changed too.' }))).toBe(false);
  });

  it('keeps a heading "Discussion" of the body when there are no comments', () => {
    const before = page({ body: 'Intro.\n\n## Discussion\n\nWhat the team said.' });
    const after = page({ body: 'Intro.\n\n## Discussion\n\nSomething else.' });
    expect(sameApartFromComputed(before, after)).toBe(false);
  });
});

describe('editableDigest', () => {
  const pageObject = (formula: number, rollup: number) =>
    ({
      object: 'page',
      id: ROW,
      last_edited_time: '2024-01-08T08:19:00.000Z',
      properties: {
        Name: { id: 'title', type: 'title', title: [] },
        Days: { id: 'a', type: 'formula', formula: { type: 'number', number: formula } },
        Count: { id: 'b', type: 'rollup', rollup: { type: 'number', number: rollup, function: 'count' } },
      },
    }) as unknown as PageObjectResponse;
  const blocks = (text: string) => [{ object: 'block', id: ROW, type: 'paragraph', paragraph: { rich_text: [{ type: 'text', plain_text: text }] }, children: [] }] as never;

  it('is the same when only formula and rollup values or comments changed, and differs for anything else', () => {
    const base = { page: pageObject(1, 2), blocks: blocks('Body') };
    expect(editableDigest({ page: pageObject(5, 9), blocks: blocks('Body') })).toBe(editableDigest(base));
    expect(editableDigest({ ...base, comments: [{ id: 'c' }] } as never)).toBe(editableDigest(base));
    expect(editableDigest({ page: pageObject(1, 2), blocks: blocks('Other') })).not.toBe(editableDigest(base));
    // The page digest sees them all.
    expect(pageDigest(pageObject(5, 9), blocks('Body'))).not.toBe(pageDigest(pageObject(1, 2), blocks('Body')));
  });

  it('leaves the unit as it was', () => {
    const unit = { page: pageObject(1, 2), blocks: blocks('Body') };
    const copy = structuredClone(unit);
    editableDigest(unit);
    expect(unit).toEqual(copy);
  });
});
