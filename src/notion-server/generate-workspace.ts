import { WorkspaceBuilder, block, bold, code, icon, inlineEquation, italic, link, mention, text, type BlockInput } from './builder.js';
import { seededRandom, type SeededRandom } from './demo-content/seeded-random.js';
import { pngBytes, type Rgb } from './demo-content/tiny-files.js';
import type { Id, WorkspaceData, WsRichText } from './workspace-model.js';

/** Size and mix of a generated workspace. */
export interface GenerateOptions {
  /** Any string or number; the same seed and sizes give the same workspace. */
  seed: string | number;
  /** Pages outside databases, root included. */
  pages: number;
  /** Blocks per page, nested blocks included (child_page / child_database blocks not counted). */
  blocksPerPage: number;
  /** Databases placed on random pages (default 0). */
  databases?: number;
  /** Rows of each database (default 20). */
  rowsPerDatabase?: number;
  /** Every n-th page gets an image block with its own small PNG; 0 for none (default 10). */
  imageEvery?: number;
  /**
   * A hub: one more page (a leaf under the root, titled `HUB_TITLE`) that this many pages mention
   * in one more paragraph at their end: the root (which lists it as a sub-page) and pages spread
   * evenly over the tree. Off by default; made after everything else, so the rest of the
   * workspace is the same with or without it.
   */
  hubReferrers?: number;
}

/** Title of the hub page of a generated workspace (`hubReferrers`). */
export const HUB_TITLE = 'Hub page';

const MAX_DEPTH = 6;
const WORDS = {
  adjectives: ['Quarterly', 'Regional', 'Open', 'Shared', 'Draft', 'Final', 'Internal', 'Pilot', 'Annual', 'Local', 'Digital', 'Joint'],
  nouns: ['report', 'workshop', 'handbook', 'budget', 'checklist', 'roadmap', 'survey', 'toolkit', 'meeting', 'review', 'plan', 'guide'],
  subjects: ['The team', 'Each partner', 'The coordinator', 'Participants', 'The steering group', 'Our mentors', 'The working group'],
  verbs: ['reviewed', 'agreed on', 'drafted', 'translated', 'published', 'postponed', 'discussed', 'tested', 'updated'],
  objects: ['the training plan', 'the budget for next year', 'the outreach material', 'the evaluation survey', 'the new module', 'the event calendar', 'the onboarding guide'],
  endings: ['before the deadline.', 'after a long discussion.', 'with two open questions.', 'in three languages.', 'as planned.', 'for the second time.'],
  languages: ['typescript', 'python', 'shell', 'json', 'sql', 'yaml'],
  emoji: ['📄', '📌', '🧭', '📊', '🗂️', '✅', '💡', '🛠️', '📅', '🌍'],
};
const COLORS = ['default', 'blue', 'green', 'orange', 'red', 'purple', 'gray'];

/**
 * A seeded random workspace for tests and benchmarks: a page tree up to six levels deep,
 * each page with `blocksPerPage` blocks of a realistic mix (annotated text with mentions,
 * nested lists, toggles, tables, code, callouts, images), plus databases with rows.
 */
export function generateWorkspace(opts: GenerateOptions): WorkspaceData {
  const { pages, blocksPerPage } = opts;
  const databases = opts.databases ?? 0;
  const rowsPerDatabase = opts.rowsPerDatabase ?? 20;
  const imageEvery = opts.imageEvery ?? 10;
  if (!(pages >= 1) || !(blocksPerPage >= 0)) throw new Error(`generateWorkspace: need pages ≥ 1 and blocksPerPage ≥ 0 (got ${pages}, ${blocksPerPage})`);

  const rng = seededRandom(`generate:${opts.seed}`);
  const b = new WorkspaceBuilder({ seed: `generate:${opts.seed}`, integrationName: 'notion-kb bench', workspaceName: `Generated workspace ${opts.seed}` });
  const users = Array.from({ length: 5 }, (_, i) => b.user({ name: `Member ${i + 1}` }));
  b.actAs(users[0]!);
  const g: Gen = { b, rng, users, pageIds: [], depth: new Map(), images: 0 };

  // The tree: each page picks a parent among pages not yet at the maximum depth, preferring recent ones so branches grow deep.
  for (let i = 0; i < pages; i++) {
    const parent = i === 0 ? 'workspace' : chooseParent(g);
    const id = b.page({
      parent,
      title: i === 0 ? `Generated wiki (seed ${opts.seed})` : `${rng.pick(WORDS.adjectives)} ${rng.pick(WORDS.nouns)} ${i}`,
      icon: rng.chance(0.6) ? icon.emoji(rng.pick(WORDS.emoji)) : null,
    });
    g.depth.set(id, parent === 'workspace' ? 0 : g.depth.get(parent)! + 1);
    g.pageIds.push(id);
  }
  // Content after the tree, so mentions can point at any page; moved before the child_page blocks as Notion usually shows it.
  g.pageIds.forEach((id, i) => {
    const withImage = imageEvery > 0 && i % imageEvery === 0;
    const added = b.append(id, pageBlocks(g, blocksPerPage, withImage));
    const page = b.data.pages[id]!;
    page.children = [...added, ...page.children.filter((c) => !added.includes(c))];
  });
  for (let d = 0; d < databases; d++) addDatabase(g, d, rowsPerDatabase);
  if (opts.hubReferrers) addHub(g, opts.hubReferrers);
  return b.build();
}

/** The hub page and the pages mentioning it (see `GenerateOptions.hubReferrers`). */
function addHub(g: Gen, referrers: number): void {
  if (referrers > g.pageIds.length) throw new Error(`generateWorkspace: ${referrers} hub referrers need as many pages (got ${g.pageIds.length})`);
  const hub = g.b.page({ parent: g.pageIds[0]!, title: HUB_TITLE, icon: null });
  g.b.append(hub, [block.paragraph('Everything starts here.')]);
  const step = g.pageIds.length / referrers;
  for (let i = 0; i < referrers; i++) {
    g.b.append(g.pageIds[Math.floor(i * step)]!, [block.paragraph([text('Start from the '), mention.page(hub), text('.')])]);
  }
}

interface Gen {
  b: WorkspaceBuilder;
  rng: SeededRandom;
  users: Id[];
  pageIds: Id[];
  depth: Map<Id, number>;
  images: number;
}

function chooseParent(g: Gen): Id {
  for (let attempt = 0; attempt < 8; attempt++) {
    const recent = g.rng.chance(0.7);
    const from = recent ? Math.max(0, g.pageIds.length - 20) : 0;
    const candidate = g.pageIds[g.rng.int(from, g.pageIds.length - 1)]!;
    if (g.depth.get(candidate)! < MAX_DEPTH) return candidate;
  }
  return g.pageIds[0]!;
}

function sentence(g: Gen): string {
  const { rng } = g;
  return `${rng.pick(WORDS.subjects)} ${rng.pick(WORDS.verbs)} ${rng.pick(WORDS.objects)} ${rng.pick(WORDS.endings)}`;
}

/** A paragraph's rich text: sentences with annotations, mentions, links and now and then an equation. */
function richLine(g: Gen): WsRichText[] {
  const { rng } = g;
  const parts: WsRichText[] = [text(sentence(g) + ' ')];
  const extra = rng.int(0, 5);
  if (extra === 1) parts.push(bold(sentence(g)), text(' '));
  if (extra === 2) parts.push(text('See '), mention.page(rng.pick(g.pageIds)), text(' for details.'));
  if (extra === 3) parts.push(text('Ask '), mention.user(rng.pick(g.users)), text(' by '), mention.date(`2025-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`), text('.'));
  if (extra === 4) parts.push(italic('Note: '), text(sentence(g), { color: rng.pick(COLORS), underline: rng.chance(0.3) }), text(' Run '), code('npm test'), text('.'));
  if (extra === 5) parts.push(text('Background: '), link('the shared drive', `https://drive.example.org/${rng.int(1000, 9999)}`), text(' and '), inlineEquation('x^2 + y^2 = r^2'));
  return parts;
}

/** Blocks for one page, `budget` blocks in total including nested ones. */
function pageBlocks(g: Gen, budget: number, withImage: boolean): BlockInput[] {
  const out: BlockInput[] = [];
  let left = budget;
  if (withImage && left > 0) {
    out.push(image(g));
    left--;
  }
  while (left > 0) {
    const [blk, used] = randomBlock(g, left);
    out.push(blk);
    left -= used;
  }
  return out;
}

function image(g: Gen): BlockInput {
  const colour = (): Rgb => [g.rng.int(0, 255), g.rng.int(0, 255), g.rng.int(0, 255)];
  const fileId = g.b.file({
    name: `figure-${++g.images}.png`,
    contentType: 'image/png',
    bytes: pngBytes({ width: 16, height: 12, from: colour(), to: colour(), accent: colour() }),
  });
  return block.image({ fileId }, sentence(g));
}

/** One top-level block (with children) using at most `left` blocks; returns it and how many it used. */
function randomBlock(g: Gen, left: number): [BlockInput, number] {
  const { rng } = g;
  const kind = rng.int(0, 19);
  if (left >= 4 && kind <= 2) {
    // A list nested up to three levels.
    const numbered = kind === 2;
    const item = numbered ? block.numbered : block.bullet;
    const n = Math.min(left, rng.int(2, 6));
    return [item(richLine(g), n >= 2 ? [item(sentence(g), n >= 3 ? [item(sentence(g))] : undefined), ...Array.from({ length: Math.max(0, n - 3) }, () => item(sentence(g)))] : undefined), n];
  }
  if (left >= 3 && kind === 3) {
    const n = Math.min(left, rng.int(2, 4));
    return [block.toggle(sentence(g), Array.from({ length: n - 1 }, () => block.paragraph(richLine(g)))), n];
  }
  if (left >= 4 && kind === 4) {
    const rows = Math.min(left - 1, rng.int(2, 5));
    const cells = () => [rng.pick(WORDS.nouns), String(rng.int(1, 999)), rng.pick(WORDS.verbs)];
    return [block.table([['Item', 'Count', 'Status'], ...Array.from({ length: rows - 1 }, cells)], { columnHeader: true, rowHeader: rng.chance(0.3) }), rows + 1];
  }
  if (kind === 5) return [block.code(`// ${sentence(g)}\nconst total = items.reduce((a, b) => a + b, 0);`, rng.pick(WORDS.languages), rng.chance(0.5) ? sentence(g) : undefined), 1];
  if (kind === 6) return [block.callout(richLine(g), icon.emoji(rng.pick(WORDS.emoji))), 1];
  if (kind === 7) return [block.quote(sentence(g)), 1];
  if (kind === 8) return [block.heading(rng.pick([1, 2, 3] as const), `${rng.pick(WORDS.adjectives)} ${rng.pick(WORDS.nouns)}`), 1];
  if (kind === 9) return [block.todo(sentence(g), rng.chance(0.5)), 1];
  if (kind === 10) return [block.divider(), 1];
  if (kind === 11) return [block.equation('E = mc^2'), 1];
  return [block.paragraph(richLine(g)), 1];
}

function addDatabase(g: Gen, index: number, rows: number): void {
  const { b, rng } = g;
  const parent = rng.pick(g.pageIds);
  const db = b.database({
    parent,
    title: `${rng.pick(WORDS.adjectives)} tracker ${index + 1}`,
    inline: rng.chance(0.5),
    dataSources: [
      {
        name: `Tracker ${index + 1}`,
        properties: {
          Name: { type: 'title' },
          Status: { type: 'status', options: ['Not started', 'In progress', 'Done'] },
          Tags: { type: 'multi_select', options: WORDS.nouns.slice(0, 6) },
          Amount: { type: 'number', format: 'euro' },
          Due: { type: 'date' },
          Done: { type: 'checkbox' },
          Owner: { type: 'people' },
          Notes: { type: 'rich_text' },
          Link: { type: 'url' },
          Created: { type: 'created_time' },
        },
      },
    ],
  });
  const dsId = db.dataSourceIds[0]!;
  for (let r = 0; r < rows; r++) {
    b.row(
      dsId,
      {
        Name: `${rng.pick(WORDS.adjectives)} ${rng.pick(WORDS.nouns)} ${r + 1}`,
        Status: rng.pick(['Not started', 'In progress', 'Done']),
        Tags: WORDS.nouns.slice(0, 6).filter(() => rng.chance(0.3)),
        Amount: rng.int(0, 50_000) / 100,
        Due: `2025-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
        Done: rng.chance(0.4),
        Owner: [rng.pick(g.users)],
        Notes: richLine(g),
        Link: rng.chance(0.3) ? `https://example.org/items/${r + 1}` : undefined,
      },
      rng.chance(0.3) ? { children: [block.paragraph(richLine(g))] } : {},
    );
  }
}
