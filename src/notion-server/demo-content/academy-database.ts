import { block, bold, icon, mention, text } from '../builder.js';
import type { Id, WorkspaceData } from '../workspace-model.js';
import { ACADEMY_CITIES, ACADEMY_TAGS, ACADEMY_TOPICS, academySessions, type SessionSpec } from './academy-sessions.js';
import type { DemoContext } from './demo-context.js';
import { PARTNERS } from './partners.js';
import type { PartnersDb } from './partners-database.js';

/** The Academy Sessions database and what tests need to find in it. */
export interface AcademyDb {
  id: Id;
  dataSourceId: Id;
  /** Row ids in session order (the trashed duplicate excluded). */
  rows: Id[];
  trashedRow: Id;
}

const HOSTS = 'Host partners';
const ALL_SESSIONS = 'All sessions';

/**
 * Creates the Academy Sessions database (more than 100 generated rows), relates it both ways
 * with Partners and fills the partners' relation and rollup values from the sessions.
 */
export function addAcademyDatabase(ctx: DemoContext, parent: Id, partners: PartnersDb): AcademyDb {
  const { b, users } = ctx;
  const db = b.database({
    parent,
    title: 'Academy Sessions',
    description: 'Every peer-learning session of the MAGNET Academy since February 2024. One row per session; the facilitator fills in participants and satisfaction afterwards.',
    icon: icon.emoji('🎓'),
    cover: { url: 'https://images.magnet-network.example.org/academy-cover.jpg' },
    dataSources: [
      {
        name: 'Academy Sessions',
        properties: {
          Session: { type: 'title' },
          ID: { type: 'unique_id', prefix: 'ACAD' },
          Topic: { type: 'select', options: ACADEMY_TOPICS.map((t) => t.title) },
          Tags: { type: 'multi_select', options: ACADEMY_TAGS },
          Status: { type: 'status', options: ['Planned', 'Confirmed', 'Done', 'Cancelled'], groups: { 'To-do': ['Planned'], 'In progress': ['Confirmed'], Complete: ['Done', 'Cancelled'] } },
          Date: { type: 'date' },
          City: { type: 'select', options: ACADEMY_CITIES },
          Format: { type: 'select', options: ['In person', 'Online', 'Hybrid'] },
          Facilitators: { type: 'people' },
          Participants: { type: 'number', format: 'number' },
          Budget: { type: 'number', format: 'euro' },
          Satisfaction: { type: 'number', format: 'percent' },
          Recording: { type: 'url' },
          Materials: { type: 'files' },
          'Certificate issued': { type: 'checkbox' },
          Length: { type: 'formula', expression: 'if(prop("Format") == "Online", "90 min online", "Half day in " + prop("City"))' },
          'Participants per facilitator': { type: 'formula', expression: 'round(prop("Participants") / length(prop("Facilitators")))' },
          'Is online': { type: 'formula', expression: 'prop("Format") == "Online"' },
          'Follow-up due': { type: 'formula', expression: 'dateAdd(prop("Date"), 14, "days")' },
          Venue: { type: 'place' },
          'Quality check': { type: 'verification' },
          Register: { type: 'button' },
          'Contact email': { type: 'email' },
          'Info line': { type: 'phone_number' },
          Created: { type: 'created_time' },
          'Created by': { type: 'created_by' },
          'Last edited': { type: 'last_edited_time' },
          'Last edited by': { type: 'last_edited_by' },
        },
      },
    ],
  });
  const dataSourceId = db.dataSourceIds[0]!;
  b.addProperty(dataSourceId, HOSTS, { type: 'relation', dataSourceId: partners.dataSourceId, databaseId: partners.id, dual: true });
  b.addProperty(partners.dataSourceId, ALL_SESSIONS, { type: 'relation', dataSourceId, databaseId: db.id, dual: true });
  pairDualRelation(b.data, dataSourceId, HOSTS, partners.dataSourceId, ALL_SESSIONS);
  b.addProperty(partners.dataSourceId, 'Sessions hosted', { type: 'rollup', relation: ALL_SESSIONS, property: 'Session', function: 'count' });
  b.addProperty(partners.dataSourceId, 'First session', { type: 'rollup', relation: ALL_SESSIONS, property: 'Date', function: 'earliest_date' });
  b.addProperty(partners.dataSourceId, 'Session cities', { type: 'rollup', relation: ALL_SESSIONS, property: 'City', function: 'show_unique' });

  const partnerByKey = new Map(PARTNERS.map((p) => [p.key, p]));
  const sessions = academySessions();
  const rows = sessions.map((s) => {
    const host = partnerByKey.get(s.hosts[0]!)!;
    b.actAs(users[s.facilitators[0]!]);
    return b.row(dataSourceId, sessionValues(ctx, s, host.email, host.phone, partners), { children: sessionContent(ctx, s) });
  });
  b.actAs(users.coordinator);
  const trashedRow = b.row(
    dataSourceId,
    { Session: 'DUPLICATE – Pricing your services – Vienna (delete me)', Status: 'Cancelled', Topic: 'Pricing your services', City: 'Vienna', Format: 'In person' },
    { inTrash: true },
  );

  fillPartnerRollups(b.data, partners, dataSourceId, sessions, rows);
  return { id: db.id, dataSourceId, rows, trashedRow };
}

function sessionValues(ctx: DemoContext, s: SessionSpec, email: string, phone: string, partners: PartnersDb): Record<string, unknown> {
  const { users, media } = ctx;
  const host = PARTNERS.find((p) => p.key === s.hosts[0])!;
  const perFacilitator = s.participants === null ? null : Math.round(s.participants / s.facilitators.length);
  return {
    Session: s.title,
    Topic: s.topic,
    Tags: s.tags,
    Status: s.status,
    Date: s.date,
    City: s.city,
    Format: s.format,
    Facilitators: s.facilitators.map((f) => users[f]),
    Participants: s.participants,
    Budget: s.budget,
    Satisfaction: s.satisfaction,
    Recording: s.recording,
    Materials:
      s.slides === 'notion'
        ? [{ fileId: media.sessionSlides, name: 'academy-session-slides.pdf' }]
        : s.slides === 'external'
          ? [{ url: `https://drive.magnet-network.example.org/academy/${s.number}/handout.pdf`, name: 'Handout (shared drive)' }]
          : [],
    'Certificate issued': s.certificate,
    Length: { type: 'string', value: s.format === 'Online' ? '90 min online' : `Half day in ${s.city}` },
    'Participants per facilitator': { type: 'number', value: perFacilitator },
    'Is online': { type: 'boolean', value: s.format === 'Online' },
    'Follow-up due': { type: 'date', value: { start: addDays(s.day, 14), end: null, time_zone: null } },
    Venue: s.format === 'Online' ? null : { lat: host.place.lat, lon: host.place.lon, name: host.name, address: host.place.address, google_place_id: null, aws_place_id: null },
    'Quality check':
      s.verification === null
        ? undefined
        : { state: s.verification, verified_by: { object: 'user', id: users.coordinator }, date: { start: addDays(s.day, 3), end: null, time_zone: null } },
    'Contact email': email,
    'Info line': phone,
    [HOSTS]: s.hosts.map((k) => partners.rows[k]!),
  };
}

function sessionContent(ctx: DemoContext, s: SessionSpec) {
  if (!s.summary) return undefined;
  return [
    block.heading(3, 'How it went'),
    block.paragraph(s.summary),
    block.paragraph([bold('Facilitated by '), ...s.facilitators.flatMap((f, i) => [...(i ? [text(' and ')] : []), mention.user(ctx.users[f])]), text('.')]),
  ];
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The builder names every dual relation's other side "Related"; point both sides at each other. */
function pairDualRelation(ws: WorkspaceData, aDs: Id, aProp: string, bDs: Id, bProp: string): void {
  const a = ws.dataSources[aDs]!.properties[aProp]!;
  const bSide = ws.dataSources[bDs]!.properties[bProp]!;
  const dual = (p: typeof a) => (p.relation as { dual_property: Record<string, unknown> }).dual_property;
  Object.assign(dual(a), { synced_property_name: bSide.name, synced_property_id: bSide.id });
  Object.assign(dual(bSide), { synced_property_name: a.name, synced_property_id: a.id });
}

/** Back-fills the partners' side of the relation and the rollups computed over it. */
function fillPartnerRollups(ws: WorkspaceData, partners: PartnersDb, sessionsDs: Id, sessions: SessionSpec[], rows: Id[]): void {
  const cityOptions = (ws.dataSources[sessionsDs]!.properties.City!.select as { options: Array<{ id: string; name: string; color: string }> }).options;
  for (const [key, partnerRow] of Object.entries(partners.rows)) {
    const mine = sessions.map((s, i) => ({ s, id: rows[i]! })).filter(({ s }) => s.hosts.includes(key));
    const props = ws.pages[partnerRow]!.properties;
    props[ALL_SESSIONS] = { type: 'relation', relation: mine.map(({ id }) => ({ id })), has_more: false };
    props['Sessions hosted'] = { type: 'rollup', rollup: { type: 'number', number: mine.length, function: 'count' } };
    const first = mine.map(({ s }) => s.date.start).sort((x, y) => Date.parse(x) - Date.parse(y))[0];
    props['First session'] = {
      type: 'rollup',
      rollup: { type: 'date', date: first ? { start: first, end: null, time_zone: null } : null, function: 'earliest_date' },
    };
    const cities = [...new Set(mine.map(({ s }) => s.city))];
    props['Session cities'] = {
      type: 'rollup',
      rollup: {
        type: 'array',
        array: cities.map((c) => {
          const o = cityOptions.find((x) => x.name === c)!;
          return { type: 'select', select: { id: o.id, name: o.name, color: o.color } };
        }),
        function: 'show_unique',
      },
    };
  }
}
