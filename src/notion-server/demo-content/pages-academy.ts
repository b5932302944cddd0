import { block, bold, icon, link, mention, text } from '../builder.js';
import type { DemoContext } from './demo-context.js';
import { addAcademyDatabase, type AcademyDb } from './academy-database.js';
import { notionLink } from './notion-links.js';
import type { PartnersDb } from './partners-database.js';

/** The Academy section and what it created. */
export interface AcademySection {
  sessions: AcademyDb;
  /** The linked view of the Partners database on the Academy page. */
  partnersLinkedViewId: string;
}

/** "Academy": the peer-learning programme, its sessions database, guides and a linked view of Partners. */
export function addAcademySection(ctx: DemoContext, partners: PartnersDb): AcademySection {
  const { b, pages: p, users, media, anchors } = ctx;
  b.page({
    id: p.academy,
    parent: p.root,
    title: 'Academy',
    icon: icon.external('https://images.magnet-network.example.org/icons/academy.svg'),
    cover: { url: 'https://images.magnet-network.example.org/academy-cover.jpg' },
    children: [
      block.paragraph([
        'The MAGNET Academy is a peer-learning programme: small cohorts of founders meet every one or two weeks in a ',
        bold('circle'),
        ' led by a trained facilitator. Each circle works on one topic from the ',
        link('Open Toolkit', notionLink.dashed(p.toolkit)),
        ' and one real case brought by a participant.',
      ]),
      block.image({ fileId: media.academyGroupPhoto }, 'Cohort 3 in Vienna, autumn 2024 (shared with consent)'),
      block.heading(2, 'Watch and listen'),
      block.video({ fileId: media.welcomeVideo }, 'Welcome video for new participants'),
      block.audio({ fileId: media.podcastJingle }, 'Jingle of the MAGNET podcast'),
      block.audio({ url: 'https://podcast.magnet-network.example.org/episodes/03-first-customers.mp3' }, 'Podcast episode 3: finding your first customers'),
      block.syncedReference(anchors.helpdeskOriginal),
      block.heading(2, 'All sessions'),
      block.paragraph('Every session is a row in the database below: date, host, facilitators, participants and the facilitator’s short summary.'),
    ],
  });
  const sessions = addAcademyDatabase(ctx, p.academy, partners);

  b.page({
    id: p.curriculum,
    parent: p.academy,
    title: 'Curriculum overview',
    icon: icon.emoji('🗂️'),
    children: [
      block.paragraph('A cohort runs eight circles. The order below works for most groups; swap circles 5 and 6 if the group is mostly in food businesses.'),
      block.numbered('Testing your idea with ten conversations'),
      block.numbered('Writing a one-page business plan'),
      block.numbered('Pricing your services'),
      block.numbered('Registering a business as a non-EU citizen'),
      block.numbered('Bookkeeping basics'),
      block.numbered('Selling on Instagram and WhatsApp'),
      block.numbered('Pitching in your second language'),
      block.numbered('Wellbeing and resilience for founders'),
    ],
  });
  b.page({
    id: p.facGuide,
    parent: p.academy,
    title: 'Facilitator guide',
    icon: icon.emoji('🧑‍🏫'),
    children: [
      block.callout('Facilitators are not teachers. Your job is to keep time, protect the quiet voices and make sure every circle ends with commitments.', icon.emoji('🎯')),
      block.bullet('Arrive 20 minutes early; set the chairs in a circle, no tables.'),
      block.bullet('Interpreters sit next to the person they interpret for, not next to you.'),
      block.bullet(['Record attendance in ', mention.page(p.academy), ' the same day.']),
    ],
  });
  b.page({
    id: p.circle,
    parent: p.facGuide,
    title: 'Running a peer-learning circle',
    icon: icon.emoji('⭕'),
    children: [
      block.paragraph('The circle format comes from DELITELABS and has four parts. Keep to the times; the last part is the one that gets cut, and it matters most.'),
      block.numbered([bold('Check-in'), text(' (15 min): one good thing, one hard thing since last time.')]),
      block.numbered([bold('Input'), text(' (30 min): the topic, with one worksheet from the toolkit.')]),
      block.numbered([bold('Peer case'), text(' (60 min): one participant presents a real problem; the others ask questions before giving advice.')]),
      block.numbered([bold('Commitments'), text(' (15 min): everyone says what they will do before the next circle.')]),
      block.quote('“The advice from people in the same situation is worth more than from any expert.” — participant, London'),
    ],
  });
  b.page({
    id: p.icebreakers,
    parent: p.circle,
    title: 'Icebreakers that work',
    icon: icon.emoji('🧊'),
    children: [
      block.toggle('The object in your bag', [block.paragraph('Everyone shows one object from their bag and says how it relates to their business. Works across languages.')]),
      block.toggle('Map of origins', [block.paragraph('Pins on a paper map: where you were born, where you live, where your first customer lives.')]),
      block.toggle('Price guessing', [block.paragraph('One participant shows a product; the others guess the price. Leads straight into the pricing topic.')]),
    ],
  });
  b.page({
    id: p.mentors,
    parent: p.academy,
    title: 'Mentor pool',
    icon: icon.emoji('🤝'),
    children: [
      block.paragraph(['The mentor pool is run by ', mention.user(users.tern), '. Mentors are volunteers — many of them Academy graduates — who meet a founder once a month for six months.']),
      block.bullet('62 active mentors in November 2025, 27 of them women'),
      block.bullet('Matching is by sector first, language second'),
      block.bookmark('https://www.wearetern.org', 'TERN — how their mentoring programme works'),
    ],
  });
  const linkedView = b.database({ parent: p.academy, title: 'Partners', linkedView: true, inline: true });
  return { sessions, partnersLinkedViewId: linkedView.id };
}
