import { block, icon, mention } from '../builder.js';
import type { DemoContext } from './demo-context.js';
import { addNewsletterDatabase, type NewsletterDb } from './newsletter-database.js';

/** "Newsletter": the two-source Newsletter archive database and the editorial guidelines. */
export function addNewsletterSection(ctx: DemoContext): NewsletterDb {
  const { b, pages: p, users, media } = ctx;
  b.page({
    id: p.newsletter,
    parent: p.root,
    title: 'Newsletter',
    icon: icon.emoji('✉️'),
    children: [
      block.paragraph(['The newsletter goes out every two months in English, with German and Bulgarian summaries. Editor: ', mention.user(users.eucen), '. Issues and subscribers live in the archive below.']),
    ],
  });
  const newsletter = addNewsletterDatabase(ctx, p.newsletter);
  b.page({
    id: p.editorial,
    parent: p.newsletter,
    title: 'Editorial guidelines',
    icon: icon.emoji('✍️'),
    children: [
      block.image({ fileId: media.magnetLogoCopy }, 'Header logo for the newsletter template'),
      block.bullet('Plain language: short sentences, no acronyms without explanation'),
      block.bullet('Every issue features at least one participant, in their own words and with their written consent'),
      block.bullet('Subscribers can leave with one click; we delete their data within 30 days'),
      block.paragraph(['For photos of participants, use only those marked “consent: public” in the event albums (see ', mention.page(p.events), ').']),
    ],
  });
  return newsletter;
}
