import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOTION_FIXTURES } from '../support/fixtures.js';

/**
 * The repository stands alone: nothing in it reads from a folder beside it, and every recorded
 * Notion response a test uses is in tests/fixtures/notion-api/, listed with its source, licence
 * and checksum in that folder's SOURCES.md.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE_DIR = fileURLToPath(NOTION_FIXTURES);
const SCOPE_DIRS = ['src', 'tests', 'bench', 'bin', 'config', 'scripts'];
const SCOPE_FILES = ['package.json', 'README.md'];

// Assembled from parts so that this file does not match itself.
const FORBIDDEN = [['..', 'shared'].join('/'), ['..', 'shared'].join('\\'), ['shared', 'notion-fixtures'].join('/')];

const inScope = (path: string) => SCOPE_FILES.includes(path) || SCOPE_DIRS.some((d) => path.startsWith(`${d}/`));

/** Repository files (tracked, plus new ones not ignored) in scope; walks the folders when git is unavailable. */
function repoFiles(): string[] {
  let listed: string[];
  try {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    listed = out.split('\0').filter(Boolean);
  } catch {
    listed = [...SCOPE_FILES];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        if (entry.name === 'node_modules' || entry.name === 'output') continue;
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else listed.push(path);
      }
    };
    SCOPE_DIRS.filter((d) => existsSync(join(ROOT, d))).forEach(walk);
  }
  return listed.filter((p) => inScope(p) && existsSync(join(ROOT, p)) && statSync(join(ROOT, p)).isFile());
}

/** `| \`name\` | bytes | \`sha256\` | …` rows of SOURCES.md. */
function sourcesTable(): Map<string, { bytes: number; sha256: string }> {
  const rows = new Map<string, { bytes: number; sha256: string }>();
  for (const line of readFileSync(join(FIXTURE_DIR, 'SOURCES.md'), 'utf8').split('\n')) {
    const m = /^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|/.exec(line);
    if (m) rows.set(m[1]!, { bytes: Number(m[2]), sha256: m[3]! });
  }
  return rows;
}

/** Every file under the fixture folder except SOURCES.md, as `sub/dir/name.json`. */
function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(FIXTURE_DIR, full).split(sep).join('/'));
    }
  };
  walk(FIXTURE_DIR);
  return out.filter((f) => f !== 'SOURCES.md').sort();
}

/**
 * Fixture names quoted in test sources: kebab-case `.json` names, optionally under legacy/ or
 * quoted/. Snapshot file names (index.json, records/…, *.schema.json) do not have that form.
 */
function namedFixtures(files: string[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const pattern = /['"`]((?:legacy\/|quoted\/)?[a-z0-9]+(?:-[a-z0-9]+)+(?:\.[a-z0-9-]+)*\.json)['"`]/g;
  for (const file of files.filter((f) => f.startsWith('tests/') && f.endsWith('.ts') && f !== 'tests/repo/self-contained.test.ts')) {
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(pattern)) {
      if (m[1]!.endsWith('.schema.json')) continue;
      names.set(m[1]!, [...(names.get(m[1]!) ?? []), file]);
    }
  }
  return names;
}

describe('the repository stands alone', () => {
  const files = repoFiles();

  it('finds the files to check', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('tests/support/fixtures.ts');
    expect(files.filter((f) => f.startsWith('src/')).length).toBeGreaterThan(20);
  });

  it('no file refers to a folder outside the repository', () => {
    const hits: string[] = [];
    for (const file of files) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const bad of FORBIDDEN) if (line.includes(bad)) hits.push(`${file}:${i + 1}: ${bad}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('the fixture folder is inside the repository', () => {
    expect(relative(ROOT, FIXTURE_DIR).split(sep)).toEqual(['tests', 'fixtures', 'notion-api']);
    expect(existsSync(join(FIXTURE_DIR, 'SOURCES.md'))).toBe(true);
  });

  it('every fixture a test names is in tests/fixtures/notion-api/ and listed in SOURCES.md', () => {
    const named = namedFixtures(files);
    // Guards against the scan silently finding nothing.
    expect(named.size).toBeGreaterThan(20);
    expect([...named.keys()]).toEqual(expect.arrayContaining(['page-all-property-types.json', 'legacy/search-page-unique-id-number-null.json', 'quoted/error-429-rate-limited.body.json']));
    const listed = sourcesTable();
    const missing = [...named].filter(([name]) => !existsSync(join(FIXTURE_DIR, name))).map(([name, by]) => `${name} (named in ${by.join(', ')})`);
    const unlisted = [...named.keys()].filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
    expect(unlisted).toEqual([]);
  });

  it('SOURCES.md lists exactly the files in the folder, each unchanged (size and SHA-256)', () => {
    const listed = sourcesTable();
    const present = fixtureFiles();
    expect(present.length).toBeGreaterThan(0);
    expect([...listed.keys()].sort()).toEqual(present);
    const changed = present.filter((name) => {
      const bytes = readFileSync(join(FIXTURE_DIR, name));
      const row = listed.get(name)!;
      return bytes.length !== row.bytes || createHash('sha256').update(bytes).digest('hex') !== row.sha256;
    });
    expect(changed).toEqual([]);
  });
});
