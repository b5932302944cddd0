import { describe, expect, it } from 'vitest';
import { isNotionKbError } from '../../src/errors.js';
import {
  MalformedObjectError,
  UNKNOWN_USER_ID,
  isPartialObject,
  readBlock,
  readDatabase,
  readDataSource,
  readPage,
  readPropertyItem,
  readRichText,
  readUser,
} from '../../src/source/read-api-object.js';

type Obj = Record<string, unknown>;
const ID = '1a2b3c4d-0000-4000-8000-000000000001';
const T = '2025-01-01T10:00:00.000Z';

/** The error a reader throws, or fails the test. */
function errorOf(fn: () => unknown): MalformedObjectError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MalformedObjectError);
    return err as MalformedObjectError;
  }
  throw new Error('expected a MalformedObjectError');
}

const annotations = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };

describe('rich text', () => {
  it('fills annotations, href and plain_text, and infers the type from the content', () => {
    expect(readRichText({ text: { content: 'Hi' } })).toEqual({ type: 'text', text: { content: 'Hi', link: null }, plain_text: 'Hi', href: null, annotations });
  });
  it('fills single annotation keys and keeps the given ones', () => {
    const out = readRichText({ type: 'text', text: { content: 'x', link: null }, plain_text: 'x', href: null, annotations: { bold: true } });
    expect(out.annotations).toEqual({ ...annotations, bold: true });
  });
  it('keeps an unknown type and unknown keys as they are, with plain text defaulted', () => {
    const out = readRichText({ type: 'future', future: { a: 1 }, extra: true });
    expect(out).toMatchObject({ type: 'future', future: { a: 1 }, extra: true, plain_text: '', href: null, annotations });
  });
  it('gives an equation its expression from plain_text when missing, and a user mention an unknown user', () => {
    expect(readRichText({ type: 'equation', equation: {}, plain_text: 'x^2' }).equation).toEqual({ expression: 'x^2' });
    expect(readRichText({ type: 'mention', mention: { type: 'user' }, plain_text: '@?' }).mention).toEqual({ type: 'user', user: { object: 'user', id: UNKNOWN_USER_ID } });
  });
});

describe('pages', () => {
  const minimal = { id: ID, created_time: T, last_edited_time: T, properties: {} };

  it('a page with only its required fields gets every optional one', () => {
    expect(readPage(minimal)).toEqual({
      ...minimal,
      object: 'page',
      parent: { type: 'workspace', workspace: true },
      in_trash: false,
      archived: false,
      is_archived: false,
      is_locked: false,
      url: `https://www.notion.so/${ID.replaceAll('-', '')}`,
      public_url: null,
      icon: null,
      cover: null,
      created_by: { object: 'user', id: UNKNOWN_USER_ID },
      last_edited_by: { object: 'user', id: UNKNOWN_USER_ID },
    });
  });

  it('null where null is not allowed gets the default; in_trash follows archived when only that is given', () => {
    const page = readPage({ ...minimal, in_trash: null, archived: true, created_by: null, is_locked: null });
    expect(page).toMatchObject({ in_trash: true, archived: true, is_locked: false, created_by: { id: UNKNOWN_USER_ID } });
  });

  it('keeps unknown fields', () => {
    expect(readPage({ ...minimal, future: { x: 1 } })).toMatchObject({ future: { x: 1 } });
  });

  it('fills property values by type and keeps unknown property types', () => {
    const page = readPage({
      ...minimal,
      properties: {
        Name: { id: 'title', type: 'title' },
        Tags: { type: 'multi_select', multi_select: null },
        Rel: { id: 'r', type: 'relation' },
        Done: { id: 'd', type: 'checkbox' },
        Size: { id: 's', type: 'number' },
        Files: { id: 'f', type: 'files', files: [{ type: 'file', file: { url: 'https://files.example/a/report.pdf?sig=1' } }] },
        Owner: { id: 'o', type: 'people', people: [{ object: 'user', id: ID }, {}] },
        Future: { id: 'u', type: 'future_type', future_type: { a: 1 } },
      },
    });
    expect(page.properties).toEqual({
      Name: { id: 'title', type: 'title', title: [] },
      Tags: { id: 'Tags', type: 'multi_select', multi_select: [] },
      Rel: { id: 'r', type: 'relation', relation: [], has_more: false },
      Done: { id: 'd', type: 'checkbox', checkbox: false },
      Size: { id: 's', type: 'number', number: null },
      Files: { id: 'f', type: 'files', files: [{ type: 'file', file: { url: 'https://files.example/a/report.pdf?sig=1', expiry_time: null }, name: 'report.pdf' }] },
      Owner: { id: 'o', type: 'people', people: [{ object: 'user', id: ID }, { object: 'user', id: UNKNOWN_USER_ID }] },
      Future: { id: 'u', type: 'future_type', future_type: { a: 1 } },
    });
  });

  it.each([
    ['id', { ...minimal, id: undefined }, 'id'],
    ['properties not an object', { ...minimal, properties: 'x' }, 'properties'],
    ['created_time', { ...minimal, created_time: 'yesterday' }, 'created_time'],
    ['a property value without type', { ...minimal, properties: { Name: { id: 'title', title: [] } } }, 'properties.Name.type'],
    ['a property value that is not an object', { ...minimal, properties: { Name: 3 } }, 'properties.Name'],
  ])('malformed: %s', (_label, raw, field) => {
    const err = errorOf(() => readPage(raw));
    expect(err.code).toBe('malformed_object');
    expect(isNotionKbError(err)).toBe(true);
    expect(err.field).toBe(field);
    expect(err.message).toContain('page');
    expect(err.message).toContain(`"${field}"`);
    if (raw.id) expect(err.message).toContain(ID);
  });

  it('a value that is not an object at all', () => {
    expect(errorOf(() => readPage('nope')).message).toMatch(/malformed page .*not an object/);
  });
});

describe('databases and data sources', () => {
  const database = { object: 'database', id: ID, title: [{ type: 'text', text: { content: 'Partners', link: null }, plain_text: 'Partners', href: null, annotations }], created_time: T, last_edited_time: T, data_sources: [{ id: ID, name: 'Partners' }] };

  it('the real case: a database without description gets an empty one', () => {
    const out = readDatabase(database);
    expect(out.description).toEqual([]);
    expect(out).toMatchObject({ is_inline: false, icon: null, cover: null, in_trash: false, public_url: null, parent: { type: 'workspace' } });
    expect(out.title).toEqual(database.title);
  });

  it('data_sources is required, and each needs an id; a missing name is empty', () => {
    expect(errorOf(() => readDatabase({ ...database, data_sources: undefined })).field).toBe('data_sources');
    expect(errorOf(() => readDatabase({ ...database, data_sources: [{ name: 'x' }] })).field).toBe('data_sources.0.id');
    expect(readDatabase({ ...database, data_sources: [{ id: ID }] }).data_sources).toEqual([{ id: ID, name: '' }]);
  });

  it('a data source fills property configurations by type and keeps unknown ones', () => {
    const ds = readDataSource({
      object: 'data_source',
      id: ID,
      properties: {
        Name: { id: 'title', type: 'title' },
        Stage: { type: 'status', status: { options: [{ id: 'a', name: 'New' }] } },
        Tags: { id: 't', name: 'Tags', type: 'multi_select' },
        Future: { id: 'f', name: 'Future', type: 'future', future: { z: 1 } },
      },
    });
    expect(ds.properties).toEqual({
      Name: { id: 'title', name: 'Name', type: 'title', description: null, title: {} },
      Stage: { id: 'Stage', name: 'Stage', type: 'status', description: null, status: { options: [{ id: 'a', name: 'New', color: 'default', description: null }], groups: [] } },
      Tags: { id: 't', name: 'Tags', type: 'multi_select', description: null, multi_select: { options: [] } },
      Future: { id: 'f', name: 'Future', type: 'future', description: null, future: { z: 1 } },
    });
    expect(ds).toMatchObject({ title: [], description: [], is_inline: false, in_trash: false, created_by: { id: UNKNOWN_USER_ID } });
  });

  it('a data source needs its properties, and each property its type', () => {
    expect(errorOf(() => readDataSource({ object: 'data_source', id: ID })).message).toMatch(/malformed data source .*"properties" is missing/);
    expect(errorOf(() => readDataSource({ id: ID, properties: { X: { id: 'x' } } })).field).toBe('properties.X.type');
  });
});

describe('blocks', () => {
  const base = { object: 'block', id: ID };

  it('fills the common fields and the payload of known types', () => {
    const out = readBlock({ ...base, type: 'image', image: { type: 'external', external: { url: 'https://x.example/a.png' } } }) as unknown as Obj;
    expect(out).toMatchObject({ has_children: false, in_trash: false, archived: false, created_by: { id: UNKNOWN_USER_ID }, created_time: null });
    expect(out.image).toEqual({ type: 'external', external: { url: 'https://x.example/a.png' }, caption: [] });
  });

  it('a missing payload becomes its defaults', () => {
    expect((readBlock({ ...base, type: 'to_do' }) as unknown as Obj).to_do).toEqual({ rich_text: [], color: 'default', checked: false });
    expect((readBlock({ ...base, type: 'heading_2', heading_2: { rich_text: [{ text: { content: 'H' } }] } }) as unknown as Obj).heading_2).toEqual({
      rich_text: [{ type: 'text', text: { content: 'H', link: null }, plain_text: 'H', href: null, annotations }],
      color: 'default',
      is_toggleable: false,
    });
    const row = readBlock({ ...base, type: 'table_row', table_row: { cells: [[{ text: { content: 'a' } }], null] } }) as unknown as { table_row: { cells: Obj[][] } };
    expect(row.table_row.cells.map((c) => c.map((r) => r.plain_text))).toEqual([['a'], []]);
  });

  it('a file block without name gets the file name from its URL', () => {
    const out = readBlock({ ...base, type: 'file', file: { type: 'file', file: { url: 'https://s3.example/x/terms%20v2.pdf?X-Amz=1' } } }) as unknown as Obj;
    expect(out.file).toEqual({ type: 'file', file: { url: 'https://s3.example/x/terms%20v2.pdf?X-Amz=1', expiry_time: null }, caption: [], name: 'terms v2.pdf' });
  });

  it('an unknown block type is kept as it is', () => {
    const raw = { ...base, type: 'future_widget', future_widget: { anything: [1] }, has_children: true };
    expect(readBlock(raw)).toMatchObject(raw);
  });

  it('a block without type or id is malformed', () => {
    expect(errorOf(() => readBlock({ ...base })).message).toMatch(/malformed block 1a2b3c4d.*"type" is missing/);
    expect(errorOf(() => readBlock({ type: 'paragraph' })).message).toMatch(/malformed block \(without id\).*"id"/);
  });
});

describe('users, property items, partial objects', () => {
  it('a user with only an id is an unnamed person; a bot stays a bot', () => {
    expect(readUser({ object: 'user', id: ID })).toEqual({ object: 'user', id: ID, name: null, avatar_url: null, type: 'person', person: {} });
    expect(readUser({ id: ID, bot: {} })).toMatchObject({ type: 'bot', bot: {}, name: null });
    expect(errorOf(() => readUser({ name: 'x' })).field).toBe('id');
  });

  it('property items hold one element each', () => {
    expect(readPropertyItem({ object: 'property_item', type: 'relation' }, ID, 'r')).toEqual({ object: 'property_item', id: 'r', type: 'relation', relation: {} });
    expect(readPropertyItem({ type: 'people', people: { object: 'user', id: ID } }, ID, 'p')).toMatchObject({ people: { object: 'user', id: ID } });
    expect(readPropertyItem({ type: 'title' }, ID, 'title')).toMatchObject({ title: { type: 'text', plain_text: '' } });
    expect(errorOf(() => readPropertyItem({ object: 'property_item' }, ID, 'x')).message).toContain(ID);
  });

  it('only `{ object, id }` counts as Notion’s partial object', () => {
    expect(isPartialObject({ object: 'page', id: ID })).toBe(true);
    expect(isPartialObject({ object: 'page', id: ID, url: 'u' })).toBe(false);
    expect(isPartialObject({ object: 'page' })).toBe(false);
  });
});
