import { block, bold, icon, mention, text } from '../builder.js';
import type { Id } from '../workspace-model.js';
import type { DemoContext } from './demo-context.js';
import { PARTNERS } from './partners.js';

/** The Partners database: one data source, one row per organisation. */
export interface PartnersDb {
  id: Id;
  dataSourceId: Id;
  /** Row page id by partner key. */
  rows: Record<string, Id>;
}

/** Creates the full-page Partners database under `parent` with a row (and a short profile page) per partner. */
export function addPartnersDatabase(ctx: DemoContext, parent: Id): PartnersDb {
  const { b, users, media } = ctx;
  const db = b.database({
    parent,
    title: 'Partners',
    description: ['The organisations of the MAGNET consortium. Maintained by the coordinator; ask ', mention.user(users.coordinator), ' for changes.'],
    icon: icon.native('groups', 'blue'),
    dataSources: [
      {
        name: 'Partners',
        properties: {
          Organisation: { type: 'title' },
          'Short name': { type: 'rich_text' },
          Role: { type: 'select', options: ['Coordinator', 'Partner'] },
          Type: { type: 'select', options: [...new Set(PARTNERS.map((p) => p.type))] },
          Country: { type: 'select', options: PARTNERS.map((p) => p.country) },
          'Focus areas': { type: 'multi_select', options: [...new Set(PARTNERS.flatMap((p) => p.focus))] },
          Lead: { type: 'people' },
          Website: { type: 'url' },
          Email: { type: 'email' },
          Phone: { type: 'phone_number' },
          Joined: { type: 'date' },
          'Budget share': { type: 'number', format: 'euro' },
          Active: { type: 'checkbox' },
          'Logo and brand kit': { type: 'files' },
          'Partner code': { type: 'unique_id', prefix: 'PRT' },
          Address: { type: 'place' },
          'Profile reviewed': { type: 'verification' },
          'Email the lead': { type: 'button' },
          Label: { type: 'formula', expression: 'prop("Short name") + " · " + prop("Country")' },
          Created: { type: 'created_time' },
          'Created by': { type: 'created_by' },
          'Last edited': { type: 'last_edited_time' },
          'Last edited by': { type: 'last_edited_by' },
        },
      },
    ],
  });
  const dataSourceId = db.dataSourceIds[0]!;
  const rows: Record<string, Id> = {};
  PARTNERS.forEach((p, i) => {
    b.actAs(users[p.lead]);
    rows[p.key] = b.row(
      dataSourceId,
      {
        Organisation: p.name,
        'Short name': p.short,
        Role: p.role,
        Type: p.type,
        Country: p.country,
        'Focus areas': p.focus,
        Lead: [users[p.lead]],
        Website: p.website,
        Email: p.email,
        Phone: p.phone,
        Joined: p.joined,
        'Budget share': p.budget,
        Active: p.active,
        'Logo and brand kit': [
          { fileId: media.logos[p.key]!, name: `${p.key}-logo.png` },
          ...(i % 2 === 0 ? [{ url: `https://brand.magnet-network.example.org/${p.key}/brand-kit.zip`, name: 'Brand kit (external)' }] : []),
        ],
        Address: { lat: p.place.lat, lon: p.place.lon, name: p.name, address: p.place.address, google_place_id: null, aws_place_id: null },
        'Profile reviewed':
          i < 5
            ? { state: 'verified', verified_by: { object: 'user', id: users.coordinator }, date: { start: '2025-06-30', end: null, time_zone: null } }
            : i === 7
              ? { state: 'expired', verified_by: { object: 'user', id: users.coordinator }, date: { start: '2024-09-01', end: null, time_zone: null } }
              : { state: 'unverified', verified_by: null, date: null },
        Label: { type: 'string', value: `${p.short} · ${p.country}` },
      },
      {
        icon: icon.file(media.logos[p.key]!),
        children: [
          block.callout([bold('Lead: '), mention.user(users[p.lead]), text(` · ${p.city}, ${p.country}`)], icon.emoji('🤝')),
          ...p.profile.map((para) => block.paragraph(para)),
          block.heading(3, 'Focus in MAGNET'),
          ...p.focus.map((f) => block.bullet(f)),
        ],
      },
    );
  });
  b.actAs(users.coordinator);
  return { id: db.id, dataSourceId, rows };
}
