import { describe, expect, it } from 'vitest';
import { normaliseNotionId, parseNotionId, parseNotionUrl } from '../../src/config/notion-id.js';

const ID = '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const HEX = ID.replaceAll('-', '');
const BLOCK = '0f0e0d0c-0b0a-0908-0706-050403020100';
const BLOCK_HEX = BLOCK.replaceAll('-', '');
const VIEW = 'aaaabbbb-cccc-dddd-eeee-ffff00001111';
const VIEW_HEX = VIEW.replaceAll('-', '');

describe('parseNotionId', () => {
  it.each([
    ['bare 32 hex', HEX, ID],
    ['dashed', ID, ID],
    ['upper case', HEX.toUpperCase(), ID],
    ['dashed upper case', ID.toUpperCase(), ID],
    ['surrounding whitespace', `  ${HEX}\n`, ID],
    ['title slug without URL', `Project-Wiki-${HEX}`, ID],
    ['www.notion.so, bare id', `https://www.notion.so/${HEX}`, ID],
    ['notion.so without www', `https://notion.so/${HEX}`, ID],
    ['workspace and title slug', `https://www.notion.so/magnet-eu/Partners-and-Roles-${HEX}`, ID],
    ['slug with digits', `https://www.notion.so/Contact-10-${HEX}`, ID],
    ['dashed id in URL', `https://www.notion.so/workspace/${ID}`, ID],
    ['block anchor', `https://www.notion.so/Partners-${HEX}#${BLOCK_HEX}`, ID],
    ['database with view', `https://www.notion.so/workspace/${HEX}?v=${VIEW_HEX}`, ID],
    ['share tracking param', `https://www.notion.so/Partners-${HEX}?pvs=4`, ID],
    ['peek opens the row page', `https://www.notion.so/workspace/${VIEW_HEX}?v=${VIEW_HEX}&p=${HEX}&pm=s`, ID],
    ['notion.site public page', `https://magnet-eu.notion.site/Partners-${HEX}`, ID],
    ['app.notion.com (recorded)', `https://app.notion.com/p/My-new-page-with-icon-${HEX}`, ID],
    ['no scheme', `www.notion.so/Partners-${HEX}`, ID],
    ['no scheme, no www', `notion.so/${HEX}`, ID],
    ['desktop app link', `notion://www.notion.so/Partners-${HEX}`, ID],
    ['relative content link (recorded)', `/${HEX}`, ID],
    ['relative link with slug and anchor', `/Partners-${HEX}#${BLOCK_HEX}`, ID],
    ['trailing slash', `https://www.notion.so/Partners-${HEX}/`, ID],
    ['percent-encoded slug', `https://www.notion.so/Partn%C3%A9rs-${HEX}`, ID],
    ['http scheme', `http://www.notion.so/${HEX}`, ID],
    ['protocol-relative', `//www.notion.so/${HEX}`, ID],
  ])('%s', (_name, input, expected) => {
    expect(parseNotionId(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'abc'],
    ['31 hex digits', HEX.slice(1)],
    ['33 hex digits', `${HEX}0`],
    ['33 hex digits after a slug', `https://www.notion.so/Title-0${HEX}`],
    ['non-hex character', `${HEX.slice(0, 31)}g`],
    ['misplaced dashes', `${HEX.slice(0, 10)}-${HEX.slice(10)}`],
    ['id glued to a slug without dash', `https://www.notion.so/Title${HEX}`],
    ['other host', `https://example.com/${HEX}`],
    ['look-alike host', `https://notion.so.example.com/${HEX}`],
    ['host suffix without dot', `https://evilnotion.so/${HEX}`],
    ['notion URL without id', 'https://www.notion.so/my-workspace/Partners'],
    ['id only in the anchor', `https://www.notion.so/Partners#${BLOCK_HEX}`],
    ['mailto', `mailto:${HEX}@example.com`],
    ['malformed percent escape without id', 'https://www.notion.so/%E0%A4%A'],
  ])('%s → null', (_name, input) => {
    expect(parseNotionId(input)).toBeNull();
  });
});

describe('parseNotionUrl', () => {
  it.each([
    ['plain page', `https://www.notion.so/Partners-${HEX}`, { id: ID }],
    ['block anchor', `https://www.notion.so/Partners-${HEX}#${BLOCK_HEX}`, { id: ID, blockId: BLOCK }],
    ['dashed block anchor', `https://www.notion.so/Partners-${HEX}#${BLOCK}`, { id: ID, blockId: BLOCK }],
    ['anchor that is not an id', `https://www.notion.so/Partners-${HEX}#heading`, { id: ID }],
    ['anchor to the page itself', `https://www.notion.so/Partners-${HEX}#${HEX}`, { id: ID }],
    ['view', `https://www.notion.so/${HEX}?v=${VIEW_HEX}`, { id: ID, viewId: VIEW }],
    ['peek with view', `https://www.notion.so/${BLOCK_HEX}?v=${VIEW_HEX}&p=${HEX}`, { id: ID, viewId: VIEW }],
    ['relative with anchor', `/${HEX}#${BLOCK_HEX}`, { id: ID, blockId: BLOCK }],
  ])('%s', (_name, input, expected) => {
    expect(parseNotionUrl(input)).toEqual(expected);
  });
});

describe('normaliseNotionId', () => {
  it.each([
    [HEX, ID],
    [ID.toUpperCase(), ID],
    [`https://www.notion.so/${HEX}`, null],
    [`Title-${HEX}`, null],
  ])('%s → %s', (input, expected) => {
    expect(normaliseNotionId(input)).toBe(expected);
  });
});
