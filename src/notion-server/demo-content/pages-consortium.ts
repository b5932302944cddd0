import { block, bold, icon, link, mention, text } from '../builder.js';
import type { DemoContext } from './demo-context.js';
import { notionLink } from './notion-links.js';
import { addPartnersDatabase, type PartnersDb } from './partners-database.js';

/** "Consortium": the Partners database, roles, the (locked) agreement summary and the contact list. */
export function addConsortiumSection(ctx: DemoContext): PartnersDb {
  const { b, pages: p, users } = ctx;
  b.page({
    id: p.consortium,
    parent: p.root,
    title: 'Consortium',
    icon: icon.native('groups', 'blue'),
    children: [
      block.paragraph('MAGNET is run by eight organisations in eight countries. The Partners database below is the single list of who they are, who leads for each, and how much of the budget they hold. Open a partner to read its profile.'),
    ],
  });
  const partners = addPartnersDatabase(ctx, p.consortium);

  b.page({
    id: p.roles,
    parent: p.consortium,
    title: 'Roles and responsibilities',
    icon: icon.emoji('🧭'),
    children: [
      block.paragraph('Who leads which work package, and who stands in when the lead is away.'),
      block.table(
        [
          ['', 'Lead', 'Deputy', 'Main deliverable'],
          ['WP1 Management', 'Danubia University', 'eucen', 'Reports to the funder, steering committee'],
          ['WP2 Open Toolkit', 'VUZF University', 'ITHR', 'Five modules in six languages'],
          ['WP3 Academy', 'DELITELABS', 'SINGA', '100+ peer-learning sessions'],
          ['WP4 Finance', 'Microfinance Centre', 'Danubia University', 'Microcredit pathway'],
          ['WP5 Mentoring', 'TERN', 'SINGA', 'Mentor pool of 60'],
          ['WP6 Dissemination', 'eucen', 'Danubia University', 'Newsletter, forum, final conference'],
        ],
        { columnHeader: true, rowHeader: true },
      ),
      block.paragraph(['Decisions that change the budget by more than 10 % of a work package go to the steering committee; see ', mention.page(p.steering), '.']),
    ],
  });

  b.page({
    id: p.agreement,
    parent: p.consortium,
    title: 'Consortium agreement – summary',
    icon: icon.emoji('📜'),
    isLocked: true,
    children: [
      block.callout('This page is locked. It summarises the signed consortium agreement; the signed PDF is the legal text.', icon.emoji('🔒')),
      block.heading(2, 'Key points'),
      block.bullet([bold('Duration: '), text('1 January 2024 – 30 June 2026 (30 months).')]),
      block.bullet([bold('Intellectual property: '), text('all toolkit material is published under CC BY-SA 4.0; each partner keeps the rights to its background material.')]),
      block.bullet([bold('Leaving the consortium: '), text('three months’ notice; deliverables already paid for stay with the consortium.')]),
      block.quote('“The Parties shall ensure that the results remain accessible free of charge for at least five years after the end of the Action.” — Article 9.2'),
      block.paragraph(['Article 9.2 is why we keep an offline archive; see ', link('the archive plan', notionLink.bare(p.archivePlan)), '.']),
    ],
  });

  b.page({
    id: p.contacts,
    parent: p.consortium,
    title: 'Contact list and helpdesk',
    icon: icon.emoji('☎️'),
    children: [
      block.paragraph('Emails and phone numbers of each partner are in the Partners database. People to contact for the most common questions:'),
      block.bullet([text('Budget, reporting, contracts: '), mention.user(users.coordinator)]),
      block.bullet([text('Microcredit referrals: '), mention.user(users.mfc)]),
      block.bullet([text('E-learning platform and accounts: '), mention.user(users.ithr)]),
      block.bullet([text('Mentors: '), mention.user(users.tern)]),
      block.bullet([text('Newsletter and social media: '), mention.user(users.eucen)]),
    ],
  });
  return partners;
}
