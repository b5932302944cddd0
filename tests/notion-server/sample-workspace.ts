import { Client } from '@notionhq/client';
import {
  WorkspaceBuilder,
  block,
  icon,
  mention,
  bold,
  inlineEquation,
  link,
  text,
} from '../../src/notion-server/builder.js';
import { startNotionServer, type NotionServer, type NotionServerOptions } from '../../src/notion-server/server.js';
import type { Id, WorkspaceData } from '../../src/notion-server/workspace-model.js';

export const TOKEN = ['secret', 'test', 'token', 'for', 'local', 'server'].join('_');

/** Ids of the interesting objects in the sample workspace. */
export interface SampleIds {
  root: Id;
  kitchen: Id;
  deep: Id[];
  unshared: Id;
  underUnshared: Id;
  trashed: Id;
  syncedOriginal: Id;
  syncedReference: Id;
  imageFile: Id;
  imageBlock: Id;
  paragraphBlock: Id;
  database: Id;
  dataSource: Id;
  targetsDataSource: Id;
  bigRow: Id;
  rows: Id[];
  trashedRow: Id;
  users: Id[];
  emoji: Id;
  commentPage: Id;
  linkedView: Id;
}

/** A small workspace with every kind of object the server serves. */
export function buildSample(): { ws: WorkspaceData; ids: SampleIds } {
  const b = new WorkspaceBuilder({ seed: 'sample', integrationName: 'Sample Integration', workspaceName: 'Sample WS' });
  const users = Array.from({ length: 30 }, (_, i) => b.user({ name: `Person ${i + 1}` }));
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const imageFile = b.file({ name: 'diagram.png', contentType: 'image/png', bytes: png });
  const pdfFile = b.file({ name: 'report.pdf', contentType: 'application/pdf', bytes: '%PDF-1.4 sample' });
  const videoFile = b.file({ name: 'clip.mp4', contentType: 'video/mp4', bytes: 'mp4bytes' });
  const audioFile = b.file({ name: 'talk.mp3', contentType: 'audio/mpeg', bytes: 'mp3bytes' });
  const docFile = b.file({ name: 'notes.docx', contentType: 'application/octet-stream', bytes: 'docx' });
  const coverFile = b.file({ name: 'cover.jpg', contentType: 'image/jpeg', bytes: 'jpegbytes' });
  const emojiFile = b.file({ name: 'magnet.png', contentType: 'image/png', bytes: png });
  const emoji = b.customEmoji('magnet', emojiFile);

  const root = b.page({ parent: 'workspace', title: 'Sample Home', icon: icon.file(imageFile), cover: { fileId: coverFile } });
  const kitchen = b.page({ parent: root, title: 'Kitchen Sink', icon: icon.customEmoji(emoji, 'magnet') });
  const syncedOriginal = b.id();
  const [paragraphBlock] = b.append(kitchen, [
    block.paragraph(['Plain ', bold('bold'), ' ', link('link', 'https://example.org'), ' ', inlineEquation('e=mc^2')]),
  ]);
  b.append(kitchen, [
    block.heading(1, 'Heading 1'),
    block.heading(2, 'Heading 2'),
    block.heading(3, 'Toggle heading', [block.paragraph('inside heading')]),
    block.heading(4, 'Heading 4'),
    block.bullet('Bullet', [block.bullet('Nested bullet')]),
    block.numbered('Numbered'),
    block.todo('Todo', true),
    block.toggle('Toggle', [block.paragraph('inside toggle')]),
    block.quote('Quote'),
    block.callout('Callout', icon.emoji('💡')),
    block.code('const x = 1;', 'typescript', 'caption'),
    block.equation('a^2+b^2=c^2'),
    block.divider(),
    block.breadcrumb(),
    block.tableOfContents(),
    block.columns([[block.paragraph('left')], [block.paragraph('right')]]),
    block.table([['A', 'B'], ['1', '2']]),
    block.image({ fileId: imageFile }, 'An image'),
    block.image({ url: 'https://example.org/x.png' }),
    block.pdf({ fileId: pdfFile }),
    block.video({ fileId: videoFile }),
    block.audio({ fileId: audioFile }),
    block.file({ fileId: docFile }, 'notes.docx'),
    block.file({ url: 'https://example.org/a.txt' }, 'a.txt'),
    block.embed('https://example.org/embed'),
    block.bookmark('https://example.org/bookmark'),
    block.linkPreview('https://github.com/x/y/pull/1'),
    block.linkToPage(root),
    block.syncedOriginal(syncedOriginal, [block.paragraph('synced content'), block.paragraph('synced 2')]),
    block.template('Template', [block.paragraph('template child')]),
    block.unsupported('ai_block'),
    block.raw('tab', {}, [block.paragraph('tab child')]),
    ...(['meeting_notes', 'transcription'] as const).map((type) =>
      block.raw(type, {
        title: [text('Meeting')],
        status: 'notes_ready',
        children: { summary_block_id: syncedOriginal, notes_block_id: syncedOriginal, transcript_block_id: syncedOriginal },
        calendar_event: { start_time: '2025-01-07T09:00:00.000Z', end_time: '2025-01-07T10:00:00.000Z', attendees: [users[0]!] },
        recording: { start_time: '2025-01-07T09:00:00.000Z', end_time: '2025-01-07T10:00:00.000Z' },
      }),
    ),
    block.paragraph([mention.page(root), ' ', mention.user(users[0]!), ' ', mention.date('2025-01-01'), ' ', mention.customEmoji(emoji, 'magnet')]),
  ]);
  const [imageBlock] = b.append(kitchen, [block.image({ fileId: imageFile })]);
  const other = b.page({ parent: root, title: 'Other page' });
  const [syncedReference] = b.append(other, [block.syncedReference(syncedOriginal)]);

  // depth: root > d1 > d2 > d3 > d4
  const deep: Id[] = [];
  let parent = root;
  for (let i = 1; i <= 4; i++) {
    parent = b.page({ parent, title: `Depth ${i}`, children: [block.paragraph(`level ${i}`)] });
    deep.push(parent);
  }
  const unshared = b.page({ parent: root, title: 'Secret', shared: false });
  const underUnshared = b.page({ parent: unshared, title: 'Below secret' });
  const trashed = b.page({ parent: root, title: 'Old draft' });
  b.trash(trashed);

  const targets = b.database({
    parent: root,
    title: 'Targets',
    dataSources: [{ name: 'Targets', properties: { Name: { type: 'title' } } }],
  });
  const targetsDataSource = targets.dataSourceIds[0]!;
  const targetRows = Array.from({ length: 30 }, (_, i) => b.row(targetsDataSource, { Name: `Target ${i + 1}` }));

  const db = b.database({
    parent: root,
    title: 'All Types',
    inline: true,
    dataSources: [
      {
        name: 'All Types',
        properties: {
          Name: { type: 'title' },
          Text: { type: 'rich_text' },
          Number: { type: 'number', format: 'dollar' },
          Select: { type: 'select', options: ['One', 'Two'] },
          Tags: { type: 'multi_select', options: ['x', 'y'] },
          Status: { type: 'status', options: ['Not started', 'In progress', 'Done'] },
          Date: { type: 'date' },
          People: { type: 'people' },
          Files: { type: 'files' },
          Checkbox: { type: 'checkbox' },
          URL: { type: 'url' },
          Email: { type: 'email' },
          Phone: { type: 'phone_number' },
          Formula: { type: 'formula', expression: 'prop("Number") * 2' },
          Related: { type: 'relation', dataSourceId: targetsDataSource, databaseId: targets.id },
          Count: { type: 'rollup', relation: 'Related', property: 'Name', function: 'count' },
          Shown: { type: 'rollup', relation: 'Related', property: 'Name', function: 'show_original' },
          ID: { type: 'unique_id', prefix: 'ROW' },
          'Created time': { type: 'created_time' },
          'Created by': { type: 'created_by' },
          'Last edited time': { type: 'last_edited_time' },
          'Last edited by': { type: 'last_edited_by' },
          Button: { type: 'button' },
          Place: { type: 'place' },
          Verification: { type: 'verification' },
        },
      },
    ],
  });
  const dataSource = db.dataSourceIds[0]!;
  const bigRow = b.row(dataSource, {
    Name: 'Big row',
    Text: ['Some ', bold('text')],
    Number: 42,
    Select: 'One',
    Tags: ['x', 'y'],
    Status: 'In progress',
    Date: { start: '2025-03-01', end: '2025-03-02' },
    People: users,
    Files: [{ fileId: docFile, name: 'notes.docx' }, { url: 'https://example.org/f.pdf', name: 'f.pdf' }],
    Checkbox: true,
    URL: 'https://example.org',
    Email: 'a@example.org',
    Phone: '+49 30 1234',
    Formula: { type: 'number', value: 84 },
    Related: targetRows,
    Count: { type: 'number', number: 30, function: 'count' },
    Shown: {
      type: 'array',
      array: targetRows.slice(0, 3).map((_, i) => ({ type: 'title', title: [{ type: 'text', text: { content: `Target ${i + 1}`, link: null }, plain_text: `Target ${i + 1}`, href: null, annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' } }] })),
      function: 'show_original',
    },
    Verification: { state: 'verified', verified_by: { object: 'user', id: users[1]! }, date: { start: '2025-01-01', end: null, time_zone: null } },
  });
  const rows = [bigRow];
  for (let i = 2; i <= 5; i++) rows.push(b.row(dataSource, { Name: `Row ${i}`, Number: i, Checkbox: i % 2 === 0 }));
  const trashedRow = b.row(dataSource, { Name: 'Trashed row' }, { inTrash: true });
  const linkedView = b.database({ parent: root, title: 'Linked view', linkedView: true }).id;

  const commentPage = b.page({ parent: root, title: 'Discussed' });
  for (let i = 1; i <= 5; i++) b.comment(commentPage, `Comment ${i}`, i % 2 ? users[0]! : b.data.botId);
  b.comment(paragraphBlock!, 'On a block');

  return {
    ws: b.build(),
    ids: {
      root, kitchen, deep, unshared, underUnshared, trashed, syncedOriginal, syncedReference: syncedReference!, imageFile,
      imageBlock: imageBlock!, paragraphBlock: paragraphBlock!, database: db.id, dataSource, targetsDataSource, bigRow, rows,
      trashedRow, users, emoji, commentPage, linkedView,
    },
  };
}

/** Starts a server on the sample workspace (rate limit off unless given) and an SDK client for it. */
export async function startSample(opts: Partial<NotionServerOptions> = {}): Promise<{
  server: NotionServer;
  client: Client;
  ids: SampleIds;
  ws: WorkspaceData;
}> {
  const { ws, ids } = buildSample();
  const server = await startNotionServer({ workspace: ws, token: TOKEN, rateLimit: false, ...opts });
  const client = new Client({ auth: TOKEN, baseUrl: server.baseUrl, retry: false, logger: () => {} });
  return { server, client, ids, ws };
}

/** A raw API call over HTTP with the right headers (override any of them). */
export async function api(
  server: NotionServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string | undefined> = {},
): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const h: Record<string, string> = {};
  const all = { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03', 'content-type': 'application/json', ...headers };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) h[k] = v;
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}
