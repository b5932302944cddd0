// The README's configuration block is YAML a user copies: it must parse, hold each key once and
// be a valid config (a comment running into the next key once hid the `archive:` section).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { REPO_ROOT } from '../support/cli.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 1));
const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

describe("the README's configuration block", () => {
  it('is valid YAML with every top-level section on a line of its own, and a valid config', () => {
    expect(block).toContain('retention:');
    const value = parse(block, { strict: true, uniqueKeys: true }) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['notion', 'output', 'requests', 'assets', 'content', 'retention', 'archive', 'export']);
    const result = resolveConfig({ fileValue: value, env: {} });
    expect(result.ok ? [] : result.issues).toEqual([]);
  });
});
