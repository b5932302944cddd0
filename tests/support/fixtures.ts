import { readFileSync } from 'node:fs';

/**
 * The recorded Notion API responses the tests compare against, kept in the repository
 * (tests/fixtures/notion-api/, provenance and licences in its SOURCES.md). Every test reads
 * fixtures through this folder, so the suite needs nothing outside the repository.
 */
export const NOTION_FIXTURES = new URL('../fixtures/notion-api/', import.meta.url);

/** URL of one fixture file, by its path inside the fixture folder (e.g. `legacy/….json`). */
export function notionFixtureUrl(name: string): URL {
  return new URL(name, NOTION_FIXTURES);
}

/** Parsed JSON of one fixture file. */
export function readNotionFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(notionFixtureUrl(name), 'utf8')) as T;
}
