import { block, bold, icon, mention, text } from '../builder.js';
import type { DemoContext } from './demo-context.js';

/** A 250-character title, long enough to break naive file naming. */
export const LONG_TITLE =
  'Minutes of the extraordinary online meeting of the MAGNET steering committee on moving unspent travel budget to interpreting, childcare and accessibility costs in the Berlin, London, Vienna and Sofia cohorts, with the votes of all eight partners (v2)';

/**
 * "Admin and templates": templates, the hostile-title pages (250 characters, empty title), a page
 * that is then trashed, and the board-only page at workspace level that is not shared with the integration.
 */
export function addAdminSection(ctx: DemoContext): void {
  const { b, pages: p, users } = ctx;
  b.page({
    id: p.admin,
    parent: p.root,
    title: 'Admin and templates',
    icon: icon.native('gear', 'gray'),
    children: [block.paragraph('Templates for recurring pages, and housekeeping. Nothing here is public.')],
  });
  b.page({
    id: p.templates,
    parent: p.admin,
    title: 'Templates',
    icon: icon.emoji('🧩'),
    children: [
      block.paragraph('Click a button to insert a pre-filled block.'),
      block.template('New meeting minutes', [
        block.heading(2, 'Attendees'),
        block.bullet(''),
        block.heading(2, 'Decisions'),
        block.numbered(''),
        block.heading(2, 'Actions'),
        block.todo('', false),
      ]),
      block.template('New Academy session report', [
        block.paragraph([bold('Session: '), text('…')]),
        block.paragraph([bold('What went well: '), text('…')]),
        block.paragraph([bold('What to change: '), text('…')]),
      ]),
    ],
  });
  if (LONG_TITLE.length !== 250) throw new Error(`demo: LONG_TITLE must have 250 characters, has ${LONG_TITLE.length}`);
  b.page({
    id: p.longTitle,
    parent: p.admin,
    title: LONG_TITLE,
    children: [block.paragraph('Yes, someone really typed the whole thing into the title. The vote was 8 to 0.')],
  });
  b.page({
    id: p.untitled,
    parent: p.admin,
    title: '',
    children: [block.paragraph('A page somebody created and never named. Notion shows it as “Untitled”.')],
  });
  b.page({
    id: p.oldDraft,
    parent: p.admin,
    title: 'Old draft: 2023 kick-off agenda',
    icon: icon.emoji('🗑️'),
    children: [block.paragraph('Agenda draft from the proposal phase. Superseded by the kick-off meeting page.')],
  });
  b.trash(p.oldDraft);

  b.page({
    id: p.boardOnly,
    parent: 'workspace',
    title: 'Board only: budget reallocation 2025',
    icon: icon.emoji('🔐'),
    shared: false,
    children: [
      block.paragraph(['Confidential working notes of the coordinator (', mention.user(users.coordinator), ') for the steering committee. Not shared with the export integration.']),
    ],
  });
  b.page({
    id: p.salaryBands,
    parent: p.boardOnly,
    title: 'Salary bands (confidential)',
    shared: false,
    children: [block.paragraph('Staff cost rates per partner, as accepted by the funder.')],
  });
}
