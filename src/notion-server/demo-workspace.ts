import { WorkspaceBuilder, block, bold, icon, mention, text, type BlockInput } from './builder.js';
import type { AcademyDb } from './demo-content/academy-database.js';
import { createDemoContext, type AnchorKey, type DemoContext, type PageKey } from './demo-content/demo-context.js';
import type { DemoUsers } from './demo-content/demo-users.js';
import type { EventsDb } from './demo-content/events-database.js';
import type { NewsletterDb } from './demo-content/newsletter-database.js';
import { OUTSIDE_PAGE_ID } from './demo-content/notion-links.js';
import { addAcademySection } from './demo-content/pages-academy.js';
import { addAdminSection } from './demo-content/pages-admin.js';
import { addConsortiumSection } from './demo-content/pages-consortium.js';
import { addEvaluationSection } from './demo-content/pages-evaluation.js';
import { addEventsSection } from './demo-content/pages-events.js';
import { addLessonsSection } from './demo-content/pages-lessons.js';
import { addMeetingsSection } from './demo-content/pages-meetings.js';
import { addNewsletterSection } from './demo-content/pages-newsletter.js';
import { addStartSection } from './demo-content/pages-start.js';
import { addToolkitSection } from './demo-content/pages-toolkit.js';
import type { PartnersDb } from './demo-content/partners-database.js';
import type { Id, WorkspaceData } from './workspace-model.js';

/**
 * The MAGNET Network wiki: the workspace a new user sees on `npm start` and that every
 * end-to-end test exports. It is realistic to read and deliberately exercises every block type,
 * every property type and every awkward case the exporter must handle.
 */

/** Ids of the demo objects that tests and the server need to find. */
export interface DemoIds {
  /** Every non-row page by key (root, start, toolkit, …; see PAGE_KEYS). */
  pages: Record<PageKey, Id>;
  /** Blocks that are link anchors or meeting-notes parts. */
  anchors: Record<AnchorKey, Id>;
  users: DemoUsers;
  root: Id;
  partners: PartnersDb;
  academy: AcademyDb;
  events: EventsDb;
  newsletter: NewsletterDb;
  /** The linked view (no data sources) of the Partners database. */
  partnersLinkedView: Id;
  trashedPage: Id;
  /** The workspace-level page not shared with the integration (its child is not shared either). */
  unsharedPage: Id;
  /** The original synced block, and the references to it on other pages. */
  syncedOriginal: Id;
  syncedReferences: Id[];
  /** Two files with byte-identical content, used by two different blocks. */
  duplicateFiles: [Id, Id];
  /** The partner row whose "All sessions" relation holds more than 25 pages (the coordinator). */
  manyRelationsRow: Id;
  /** A Notion page linked from the demo that belongs to another workspace. */
  outsidePage: Id;
  hostileTitles: {
    duplicateSiblings: [Id, Id];
    slashAndColon: Id;
    dotDot: Id;
    colon: Id;
    bulgarian: Id;
    german: Id;
    long: Id;
    empty: Id;
  };
}

/** Builds the MAGNET demo workspace together with the ids tests need. Deterministic. */
export function buildDemo(): { workspace: WorkspaceData; ids: DemoIds } {
  const b = new WorkspaceBuilder({
    seed: 'magnet-demo',
    integrationName: 'notion-kb export',
    workspaceName: 'MAGNET Network',
    start: '2024-01-08T08:12:31.417Z',
  });
  const ctx = createDemoContext(b);
  const { pages: p, users, media } = ctx;
  b.actAs(users.coordinator);

  b.page({
    id: p.root,
    parent: 'workspace',
    title: 'MAGNET Network Wiki',
    icon: icon.customEmoji(media.magnetEmoji, 'magnet'),
    cover: { fileId: media.rootCover },
  });
  addStartSection(ctx);
  const partners = addConsortiumSection(ctx);
  addToolkitSection(ctx);
  const academySection = addAcademySection(ctx, partners);
  addMeetingsSection(ctx);
  const events = addEventsSection(ctx, partners);
  addLessonsSection(ctx);
  addEvaluationSection(ctx);
  const newsletter = addNewsletterSection(ctx);
  addAdminSection(ctx);
  contentFirst(ctx, p.root, rootContent(ctx, partners, academySection.sessions));
  addComments(ctx);

  const workspace = b.build();
  const syncedReferences = Object.values(workspace.blocks)
    .filter((blk) => (blk.payload.synced_from as { block_id?: Id } | null)?.block_id === ctx.anchors.helpdeskOriginal)
    .map((blk) => blk.id);
  const ids: DemoIds = {
    pages: p,
    anchors: ctx.anchors,
    users,
    root: p.root,
    partners,
    academy: academySection.sessions,
    events,
    newsletter,
    partnersLinkedView: academySection.partnersLinkedViewId,
    trashedPage: p.oldDraft,
    unsharedPage: p.boardOnly,
    syncedOriginal: ctx.anchors.helpdeskOriginal,
    syncedReferences,
    duplicateFiles: [media.magnetLogo, media.magnetLogoCopy],
    manyRelationsRow: partners.rows.danubia!,
    outsidePage: OUTSIDE_PAGE_ID,
    hostileTitles: {
      duplicateSiblings: [p.sofia1, p.sofia2],
      slashAndColon: p.qaFunding,
      dotDot: p.passwd,
      colon: p.worked,
      bulgarian: p.handbookBg,
      german: p.aboutDe,
      long: p.longTitle,
      empty: p.untitled,
    },
  };
  return { workspace, ids };
}

/** The MAGNET demo workspace. */
export function buildDemoWorkspace(): WorkspaceData {
  return buildDemo().workspace;
}

/** The root page's own text, which links to databases and so is written after they exist. */
function rootContent(ctx: DemoContext, partners: PartnersDb, academy: AcademyDb): BlockInput[] {
  const { pages: p, users, media } = ctx;
  return [
    block.callout(
      [bold('MAGNET Network wiki. '), text('Everything the consortium knows, in one place. Start with '), mention.page(p.start), text('.')],
      icon.customEmoji(media.magnetEmoji, 'magnet'),
    ),
    block.paragraph([
      text('Coordinated by '),
      mention.user(users.coordinator),
      text(' since '),
      mention.date('2024-01-01'),
      text('. The facts live in the '),
      mention.database(partners.id),
      text(' and '),
      mention.database(academy.id),
      text(' databases; the pages below tell the story. Look for the '),
      mention.customEmoji(media.magnetEmoji, 'magnet'),
      text(' for pages every partner should know.'),
    ]),
    block.paragraph(['Board members: the budget notes are on ', mention.page(p.boardOnly), ' (not shared with everyone).']),
    block.linkToPage(p.start),
    block.linkToDatabase(academy.id),
    block.divider(),
  ];
}

/** Appends blocks to a page and moves them before its existing children (sub-pages, databases). */
function contentFirst(ctx: DemoContext, pageId: Id, blocks: BlockInput[]): void {
  const added = ctx.b.append(pageId, blocks);
  const page = ctx.b.data.pages[pageId]!;
  page.children = [...added, ...page.children.filter((id) => !added.includes(id))];
}

function addComments(ctx: DemoContext): void {
  const { b, pages: p, users } = ctx;
  const asked = b.comment(p.worked, 'Could we add numbers for the childcare point? The Berlin attendance sheets have them.', users.singa);
  b.reply(asked, ['Added to the mid-term report; ', mention.user(users.singa), ' please check the figures.'], users.coordinator);
  const sustainability = b.data.pages[p.sustainability]!.children;
  b.comment(sustainability[0]!, 'TERN confirmed in writing that the mentor pool continues after June 2026.', users.tern);
  // On the "What ends" heading: the archive links such a discussion to the heading's anchor.
  const whatEnds = sustainability.find((id) => b.data.blocks[id]?.type === 'heading_2' && JSON.stringify(b.data.blocks[id]!.payload).includes('What ends'));
  if (!whatEnds) throw new Error('demo: the sustainability plan has no "What ends" heading');
  b.comment(whatEnds, 'Should the newsletter archive be listed here too?', users.coordinator);
  b.comment(p.kickoff, 'Minutes approved at the Sofia meeting in September 2024.', users.vuzf);
}
