import { afterEach, describe, expect, it } from 'vitest';
import { startSample } from './sample-workspace.js';
import type { NotionServer } from '../../src/notion-server/server.js';

let server: NotionServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const imageUrlOf = (block: any): { url: string; expiry_time: string } => block.image.file;

describe('Notion-hosted files as signed URLs on this server', () => {
  it('serves the bytes with the right content type, a fresh URL on every response', async () => {
    const started = await startSample();
    server = started.server;
    const { client, ids, ws } = started;
    const a = imageUrlOf(await client.blocks.retrieve({ block_id: ids.imageBlock }));
    const b = imageUrlOf(await client.blocks.retrieve({ block_id: ids.imageBlock }));
    expect(a.url).toMatch(new RegExp(`^${server.baseUrl}/files/${ids.imageFile}/diagram\\.png\\?expires=\\d+&nonce=\\w+&sig=[0-9a-f]+$`));
    expect(a.url).not.toBe(b.url);
    expect(Date.parse(a.expiry_time) - Date.now()).toBeGreaterThan(3500_000);
    const res = await fetch(a.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(ws.files[ids.imageFile]!.base64, 'base64'));
    expect(server.stats().fileDownloads).toBe(1);
    expect(server.stats().requests.total).toBe(2);
  });

  it.each([
    ['page icon', async (c: any, i: any) => (await c.pages.retrieve({ page_id: i.root })).icon.file.url],
    ['page cover', async (c: any, i: any) => (await c.pages.retrieve({ page_id: i.root })).cover.file.url],
    ['files property', async (c: any, i: any) => (await c.pages.retrieve({ page_id: i.bigRow })).properties.Files.files[0].file.url],
  ])('%s is signed and downloadable', async (_name, urlOf) => {
    const started = await startSample();
    server = started.server;
    const url: string = await urlOf(started.client, started.ids);
    expect(url.startsWith(`${server.baseUrl}/files/`)).toBe(true);
    expect((await fetch(url)).status).toBe(200);
  });

  it('403 with an S3-like XML body once expired (injected clock)', async () => {
    let now = Date.parse('2025-06-01T12:00:00.000Z');
    const started = await startSample({ fileExpirySeconds: 1, clock: () => now });
    server = started.server;
    const file = imageUrlOf(await started.client.blocks.retrieve({ block_id: started.ids.imageBlock }));
    expect(file.expiry_time).toBe('2025-06-01T12:00:01.000Z');
    expect((await fetch(file.url)).status).toBe(200);
    now += 1100;
    const res = await fetch(file.url);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(await res.text()).toMatch(/<Error><Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  });

  it('403 after expiry in real time too (fileExpirySeconds: 1)', async () => {
    const started = await startSample({ fileExpirySeconds: 1 });
    server = started.server;
    const file = imageUrlOf(await started.client.blocks.retrieve({ block_id: started.ids.imageBlock }));
    await new Promise((r) => setTimeout(r, 1100));
    expect((await fetch(file.url)).status).toBe(403);
  });

  it.each([
    ['signature', (u: URL) => u.searchParams.set('sig', u.searchParams.get('sig')!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')))],
    ['expiry', (u: URL) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600_000))],
    ['file', (u: URL) => (u.pathname = u.pathname.replace(/\/files\/[^/]+\//, '/files/00000000-0000-4000-8000-000000000000/'))],
  ])('403 SignatureDoesNotMatch when the %s is tampered with', async (_name, tamper) => {
    const started = await startSample();
    server = started.server;
    const url = new URL(imageUrlOf(await started.client.blocks.retrieve({ block_id: started.ids.imageBlock })).url);
    tamper(url);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
