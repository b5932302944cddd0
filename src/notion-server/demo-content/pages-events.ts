import { block, icon, mention } from '../builder.js';
import type { DemoContext } from './demo-context.js';
import { addEventsDatabase, type EventsDb } from './events-database.js';
import type { PartnersDb } from './partners-database.js';

/** "Events": a page whose text surrounds the inline Events database, and the Demo Day page. */
export function addEventsSection(ctx: DemoContext, partners: PartnersDb): EventsDb {
  const { b, pages: p, media, users } = ctx;
  b.page({
    id: p.events,
    parent: p.root,
    title: 'Events',
    icon: icon.emoji('📅'),
    children: [
      block.paragraph('Public events and partner meetings, past and planned. Add an event as soon as the date is fixed, even if the venue is not.'),
    ],
  });
  const events = addEventsDatabase(ctx, p.events, partners);
  b.append(p.events, [
    block.paragraph(['Photos of public events go into the album linked in the Photos column. For the press kit, ask ', mention.user(users.eucen), '.']),
    block.divider(),
  ]);
  b.page({
    id: p.demoDay,
    parent: p.events,
    title: 'Demo Day Berlin 2025',
    icon: icon.emoji('🎤'),
    cover: { fileId: media.rootCover },
    children: [
      block.paragraph(['Fourteen Academy graduates pitched to an audience of 184 at the SINGA Business Lab on ', mention.date('2025-10-09'), '.']),
      block.callout('Two founders received investment offers on the night; five were invited to an accelerator.', icon.emoji('🎉')),
      block.video({ url: 'https://vimeo.com/magnet-network/demo-day-2025' }, 'Full recording (3 h)'),
      block.heading(2, 'The pitches'),
      block.bullet('Addis Coffee Roasters — speciality coffee from Sidama, roasted in Kreuzberg'),
      block.bullet('Karimi Tailoring — alterations and made-to-measure, with a pick-up service'),
      block.bullet('Kovalenko IT Services — IT support for small shops, in four languages'),
    ],
  });
  return events;
}
