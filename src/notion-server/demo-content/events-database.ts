import { block, icon, mention, text } from '../builder.js';
import type { Id } from '../workspace-model.js';
import type { DemoContext } from './demo-context.js';
import type { PartnersDb } from './partners-database.js';

/** The inline Events database. */
export interface EventsDb {
  id: Id;
  dataSourceId: Id;
  rows: Id[];
  trashedRow: Id;
}

interface EventSpec {
  name: string;
  when: { start: string; end?: string; time_zone?: string };
  type: string;
  organiser: string[];
  status: string;
  place?: { lat: number; lon: number; name: string; address: string };
  registration?: string;
  attendees?: number;
  notes: string;
  public: boolean;
}

const EVENTS: EventSpec[] = [
  { name: 'Kick-off meeting', when: { start: '2024-02-13', end: '2024-02-14' }, type: 'Partner meeting', organiser: ['danubia'], status: 'Done', place: { lat: 48.2131, lon: 16.3605, name: 'Danubia University', address: 'Universitätsring 1, 1010 Wien' }, attendees: 21, notes: 'Two days, all eight partners. Agreed the work plan and the Academy format.', public: false },
  { name: 'Partner meeting Sofia (I)', when: { start: '2024-09-24', end: '2024-09-25' }, type: 'Partner meeting', organiser: ['vuzf'], status: 'Done', place: { lat: 42.6795, lon: 23.3198, name: 'VUZF University', address: 'ul. Gusla 1, 1618 Sofia' }, attendees: 17, notes: 'Toolkit review; Bulgarian handbook presented.', public: false },
  { name: 'Webinar: Microcredit for newcomers', when: { start: '2024-11-07T16:00:00.000+01:00', end: '2024-11-07T17:30:00.000+01:00', time_zone: 'Europe/Warsaw' }, type: 'Webinar', organiser: ['mfc'], status: 'Done', registration: 'https://events.magnet-network.example.org/microcredit-webinar', attendees: 143, notes: 'Recording in the newsletter of December 2024.', public: true },
  { name: 'Partner meeting Sofia (II)', when: { start: '2025-03-18', end: '2025-03-19' }, type: 'Partner meeting', organiser: ['vuzf'], status: 'Done', place: { lat: 42.6795, lon: 23.3198, name: 'VUZF University', address: 'ul. Gusla 1, 1618 Sofia' }, attendees: 15, notes: 'Mid-term review and sustainability workshop.', public: false },
  { name: 'EU Migrant Entrepreneurship Forum', when: { start: '2025-05-22T09:00:00.000+02:00', end: '2025-05-22T18:00:00.000+02:00', time_zone: 'Europe/Brussels' }, type: 'Conference', organiser: ['eucen'], status: 'Done', place: { lat: 50.8467, lon: 4.3525, name: 'Residence Palace', address: 'Rue de la Loi 155, 1040 Bruxelles' }, registration: 'https://events.magnet-network.example.org/forum-2025', attendees: 260, notes: 'MAGNET panel with three Academy graduates.', public: true },
  { name: 'Facilitator training (spring)', when: { start: '2025-04-10', end: '2025-04-12' }, type: 'Workshop', organiser: ['delitelabs'], status: 'Done', place: { lat: 52.3676, lon: 4.9041, name: 'DELITELABS', address: 'Herengracht 182, Amsterdam' }, attendees: 14, notes: 'Twelve new facilitators certified.', public: false },
  { name: 'Demo Day Berlin 2025', when: { start: '2025-10-09T15:00:00.000+02:00', end: '2025-10-09T21:00:00.000+02:00', time_zone: 'Europe/Berlin' }, type: 'Demo Day', organiser: ['singa', 'danubia'], status: 'Done', place: { lat: 52.5003, lon: 13.4207, name: 'SINGA Business Lab', address: 'Wiener Straße 10, 10999 Berlin' }, registration: 'https://events.magnet-network.example.org/demo-day-2025', attendees: 184, notes: 'Fourteen founders pitched; see the Demo Day page.', public: true },
  { name: 'Final conference', when: { start: '2026-06-16', end: '2026-06-17' }, type: 'Conference', organiser: ['danubia', 'eucen'], status: 'Planned', place: { lat: 48.2131, lon: 16.3605, name: 'Danubia University', address: 'Universitätsring 1, 1010 Wien' }, registration: 'https://events.magnet-network.example.org/final-conference', notes: 'Save the date sent in November 2025.', public: true },
  { name: 'Mentor meet-up London', when: { start: '2026-01-29T18:30:00.000+00:00', time_zone: 'Europe/London' }, type: 'Workshop', organiser: ['tern'], status: 'Planned', notes: 'Open to mentors and Academy graduates.', public: true },
  { name: 'Alumni reunion (idea)', when: { start: '2026-09-01' }, type: 'Workshop', organiser: [], status: 'Idea', notes: 'Only if we find money after the project ends.', public: false },
];

/** Creates the inline Events database inside `parent` (a page whose text surrounds it). */
export function addEventsDatabase(ctx: DemoContext, parent: Id, partners: PartnersDb): EventsDb {
  const { b, users } = ctx;
  const db = b.database({
    parent,
    title: 'Events',
    inline: true,
    icon: icon.emoji('📅'),
    dataSources: [
      {
        name: 'Events',
        properties: {
          Event: { type: 'title' },
          When: { type: 'date' },
          Type: { type: 'select', options: ['Partner meeting', 'Webinar', 'Conference', 'Workshop', 'Demo Day'] },
          Organiser: { type: 'relation', dataSourceId: partners.dataSourceId, databaseId: partners.id },
          Status: { type: 'status', options: ['Idea', 'Planned', 'Done'] },
          Where: { type: 'place' },
          Registration: { type: 'url' },
          Attendees: { type: 'number', format: 'number_with_commas' },
          Notes: { type: 'rich_text' },
          Photos: { type: 'files' },
          Public: { type: 'checkbox' },
          Owner: { type: 'people' },
        },
      },
    ],
  });
  const dataSourceId = db.dataSourceIds[0]!;
  const rows = EVENTS.map((e, i) =>
    b.row(
      dataSourceId,
      {
        Event: e.name,
        When: e.when,
        Type: e.type,
        Organiser: e.organiser.map((k) => partners.rows[k]!),
        Status: e.status,
        Where: e.place ? { ...e.place, google_place_id: null, aws_place_id: null } : null,
        Registration: e.registration,
        Attendees: e.attendees,
        Notes: i === 6 ? [text(e.notes.replace('see the Demo Day page.', 'see ')), mention.page(ctx.pages.demoDay), text('.')] : e.notes,
        Photos: e.status === 'Done' && e.public ? [{ url: `https://photos.magnet-network.example.org/events/${i + 1}/album`, name: 'Photo album' }] : [],
        Public: e.public,
        Owner: [users.coordinator],
      },
      i === 0 ? { children: [block.paragraph('Agenda and minutes are on the kick-off meeting page in Meetings.')] } : {},
    ),
  );
  const trashedRow = b.row(dataSourceId, { Event: 'Test event – please ignore', Type: 'Webinar', Status: 'Idea', Notes: 'Created while testing the calendar view.' }, { inTrash: true });
  return { id: db.id, dataSourceId, rows, trashedRow };
}
