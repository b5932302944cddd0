import { block, bold, icon, italic, mention, text } from '../builder.js';
import type { Id } from '../workspace-model.js';
import type { DemoContext } from './demo-context.js';

/** The Newsletter archive: one database, two data sources (Issues and Subscribers). */
export interface NewsletterDb {
  id: Id;
  issuesDataSourceId: Id;
  subscribersDataSourceId: Id;
  issueRows: Id[];
  subscriberRows: Id[];
}

const ISSUES: Array<{ title: string; published: string; highlights: string; recipients: number; openRate: number }> = [
  { title: 'MAGNET is launched', published: '2024-03-05', highlights: 'Eight partners, one Academy, a toolkit in six languages: what MAGNET will do in the next three years.', recipients: 412, openRate: 0.58 },
  { title: 'The first Academy circles', published: '2024-05-07', highlights: 'Vienna, Berlin and London ran the first peer-learning circles. What participants told us.', recipients: 655, openRate: 0.51 },
  { title: 'Module 1 is online', published: '2024-07-02', highlights: 'The value proposition canvas and customer interview worksheets, with facilitator notes.', recipients: 803, openRate: 0.47 },
  { title: 'Microcredit explained', published: '2024-10-01', highlights: 'Our Warsaw partner on how small loans work, who can get one and the five documents you need.', recipients: 1_120, openRate: 0.44 },
  { title: 'Webinar recording and new mentors', published: '2024-12-03', highlights: '143 people joined the microcredit webinar; 19 new mentors joined the pool.', recipients: 1_387, openRate: 0.42 },
  { title: 'Mid-term: what we learnt', published: '2025-04-01', highlights: 'Results of the mid-term review in Sofia, including the things that did not work.', recipients: 1_902, openRate: 0.39 },
  { title: 'Brussels forum special', published: '2025-06-03', highlights: 'Three Academy graduates on the main stage of the EU Migrant Entrepreneurship Forum.', recipients: 2_240, openRate: 0.46 },
  { title: 'Demo Day Berlin', published: '2025-10-21', highlights: 'Fourteen pitches, two investments, one very full room.', recipients: 2_905, openRate: 0.49 },
  { title: 'Save the date: final conference', published: '2025-11-18', highlights: 'Vienna, 16–17 June 2026, and what happens to the toolkit after MAGNET.', recipients: 3_012, openRate: 0.41 },
  { title: 'After MAGNET (draft)', published: '2026-01-20', highlights: 'How to reach the network when the project has ended.', recipients: 0, openRate: 0 },
];

const SUBSCRIBERS: Array<[string, string, string, string, string, boolean, string]> = [
  ['Amina Yusuf', 'amina.yusuf@example.com', 'Amina’s Kitchen', 'Austria', 'English', true, '2024-03-06'],
  ['Oleksandr Kovalenko', 'o.kovalenko@example.com', 'Kovalenko IT Services', 'Poland', 'Ukrainian', true, '2024-04-11'],
  ['Fatima Rahimi', 'fatima@rahimi-design.example.com', 'Rahimi Design', 'Germany', 'German', true, '2024-05-20'],
  ['Samuel Mensah', 'samuel.mensah@example.com', 'Mensah Logistics', 'United Kingdom', 'English', true, '2024-05-21'],
  ['Lina Haddad', 'lina.haddad@example.com', 'Job centre Neukölln', 'Germany', 'Arabic', false, '2024-06-02'],
  ['Mihail Petrov', 'm.petrov@example.com', 'Sofia Municipality', 'Bulgaria', 'Bulgarian', true, '2024-09-25'],
  ['Aisha Bello', 'aisha.bello@example.com', 'Bello Hair Studio', 'Netherlands', 'English', true, '2024-10-14'],
  ['Carmen Ruiz', 'carmen.ruiz@example.com', 'Cooperativa Raíces', 'Belgium', 'French', true, '2025-01-09'],
  ['Yusuf Demir', 'yusuf.demir@example.com', '—', 'Austria', 'Turkish', true, '2025-02-17'],
  ['Ana-Maria Popescu', 'ana.popescu@example.com', 'Bucharest Chamber of Commerce', 'Romania', 'English', true, '2025-05-23'],
  ['Tesfaye Alemu', 'tesfaye.alemu@example.com', 'Addis Coffee Roasters', 'United Kingdom', 'English', true, '2025-10-10'],
  ['Zainab Karimi', 'zainab.karimi@example.com', 'Karimi Tailoring', 'Germany', 'Dari', true, '2025-10-10'],
];

/** Creates the Newsletter archive database with its two data sources under `parent`. */
export function addNewsletterDatabase(ctx: DemoContext, parent: Id): NewsletterDb {
  const { b, users, media } = ctx;
  const db = b.database({
    parent,
    title: 'Newsletter archive',
    description: 'Every issue of the MAGNET newsletter, and the people who receive it (with their consent, see the editorial guidelines).',
    icon: icon.emoji('📰'),
    dataSources: [
      {
        name: 'Issues',
        properties: {
          Issue: { type: 'title' },
          'No.': { type: 'unique_id', prefix: 'NL' },
          Published: { type: 'date' },
          Status: { type: 'status', options: ['Draft', 'Scheduled', 'Sent'] },
          Highlights: { type: 'rich_text' },
          Recipients: { type: 'number', format: 'number_with_commas' },
          'Open rate': { type: 'number', format: 'percent' },
          'Web version': { type: 'url' },
          Attachments: { type: 'files' },
          Editor: { type: 'people' },
          'Is sent': { type: 'formula', expression: 'prop("Status") == "Sent"' },
        },
      },
      {
        name: 'Subscribers',
        properties: {
          Name: { type: 'title' },
          Email: { type: 'email' },
          Organisation: { type: 'rich_text' },
          Country: { type: 'select', options: ['Austria', 'Poland', 'Germany', 'United Kingdom', 'Bulgaria', 'Netherlands', 'Belgium', 'Romania'] },
          Language: { type: 'select', options: ['English', 'German', 'Ukrainian', 'Arabic', 'Bulgarian', 'French', 'Turkish', 'Dari'] },
          Subscribed: { type: 'checkbox' },
          Since: { type: 'date' },
          Phone: { type: 'phone_number' },
        },
      },
    ],
  });
  const [issuesDataSourceId, subscribersDataSourceId] = db.dataSourceIds as [Id, Id];
  const issueRows = ISSUES.map((issue, i) => {
    const status = issue.published > '2025-11-20' ? 'Draft' : 'Sent';
    return b.row(
      issuesDataSourceId,
      {
        Issue: issue.title,
        Published: issue.published,
        Status: status,
        Highlights: issue.highlights,
        Recipients: status === 'Sent' ? issue.recipients : null,
        'Open rate': status === 'Sent' ? issue.openRate : null,
        'Web version': status === 'Sent' ? `https://newsletter.magnet-network.example.org/issues/${i + 1}` : undefined,
        Attachments: i === 3 ? [{ fileId: media.checklistPdf, name: 'microcredit-readiness-checklist.pdf' }] : [],
        Editor: [i < 5 ? users.eucen : users.coordinator],
        'Is sent': { type: 'boolean', value: status === 'Sent' },
      },
      {
        children: [
          block.paragraph([italic('Dear friends of MAGNET,')]),
          block.paragraph(issue.highlights),
          ...(i === 3
            ? [
                block.paragraph([text('Download the '), bold('readiness checklist'), text(' below or read the full module in the '), mention.page(ctx.pages.mod2), text('.')]),
                block.pdf({ fileId: media.checklistPdf }, 'Microcredit readiness checklist (PDF, 1 page)'),
              ]
            : []),
          block.paragraph('Until next time — the MAGNET team.'),
        ],
      },
    );
  });
  const subscriberRows = SUBSCRIBERS.map(([name, email, org, country, language, subscribed, since], i) =>
    b.row(subscribersDataSourceId, {
      Name: name,
      Email: email,
      Organisation: org,
      Country: country,
      Language: language,
      Subscribed: subscribed,
      Since: since,
      Phone: i % 3 === 0 ? `+43 660 ${String(1000000 + i * 7919).slice(0, 7)}` : undefined,
    }),
  );
  return { id: db.id, issuesDataSourceId, subscribersDataSourceId, issueRows, subscriberRows };
}
