// Merges the layers (flags > environment > file > defaults) and validates them in one
// pass, so every problem is reported at once and each line says where the bad value
// came from. Pure: the file has already been read and parsed.
import { ConfigSchema, type Config } from './config-schema.js';
import { formatConfigIssues, overrideSourceOf } from './format-config-issues.js';
import { redactSecrets } from './redact-secrets.js';

/** Command-line flags that override config values (named as the flags are). */
export interface ConfigFlags {
  readonly out?: string | undefined;
  readonly rate?: number | 'auto' | undefined;
  readonly concurrency?: number | undefined;
  /** `--root`, repeatable; an empty list means "not given", not "no roots". */
  readonly root?: readonly string[] | undefined;
}

/** The environment variables the config reads (typically `process.env`). */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** The merged config, or every problem found (file problems and override problems). */
export type ResolvedConfig =
  | { readonly ok: true; readonly config: Config; readonly warnings: string[] }
  | { readonly ok: false; readonly issues: string[] };

// Notion's published limit: an average of three requests per second per integration.
const NOTION_PUBLISHED_RATE = 3;
const NOTION_API_HOST = 'api.notion.com';

/** Validates the parsed file value and applies environment and flag overrides on top. */
export function resolveConfig(input: { fileValue: unknown; env: ConfigEnv; flags?: ConfigFlags }): ResolvedConfig {
  const { env, flags = {} } = input;
  const token = nonEmpty(env['NOTION_TOKEN']);
  const scrub = (lines: string[]) => lines.map((line) => redactSecrets(line, [token, env['NOTION_TOKEN']]));

  const fileValue = withoutNulls(input.fileValue);
  const fileResult = ConfigSchema.safeParse(fileValue);
  const issues = fileResult.success ? [] : formatConfigIssues(fileResult.error.issues, fileValue);

  const overrides = new Map<string, string>();
  const merged = structuredClone(isMapping(fileValue) ? fileValue : {});
  const override = (section: string, key: string, value: unknown, source: string) => {
    const current = merged[section] ?? {};
    // A broken section is already reported against the file; nothing to override into.
    if (!isMapping(current)) return;
    merged[section] = { ...current, [key]: value };
    overrides.set(`${section}.${key}`, source);
  };
  const baseUrl = nonEmpty(env['NOTION_BASE_URL']);
  if (baseUrl !== undefined) override('notion', 'baseUrl', baseUrl, 'NOTION_BASE_URL');
  if (flags.out !== undefined) override('output', 'dir', flags.out, '--out');
  if (flags.rate !== undefined) override('requests', 'rate', flags.rate, '--rate');
  if (flags.concurrency !== undefined) override('requests', 'concurrency', flags.concurrency, '--concurrency');
  if (flags.root !== undefined && flags.root.length > 0) override('notion', 'roots', [...flags.root], '--root');

  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    // Problems outside the overridden paths were already reported against the file.
    const fromOverrides = result.error.issues.filter((issue) => overrideSourceOf(overrides, issue.path) !== undefined);
    issues.push(...formatConfigIssues(fromOverrides, merged, overrides));
  }
  const tokenProblem = token === undefined ? null : problemWithToken(token);
  if (tokenProblem !== null) issues.push(`NOTION_TOKEN: ${tokenProblem}`);
  if (issues.length > 0 || !result.success) return { ok: false, issues: scrub(issues) };

  const values = result.data;
  const warnings: string[] = [];
  const roots = [...new Set(values.notion.roots)];
  if (roots.length < values.notion.roots.length) {
    warnings.push(`notion.roots: ${values.notion.roots.length - roots.length} duplicate root(s) ignored`);
  }
  if (new URL(values.notion.baseUrl).hostname === NOTION_API_HOST && typeof values.requests.rate === 'number' && values.requests.rate > NOTION_PUBLISHED_RATE) {
    warnings.push(
      `requests.rate: ${values.requests.rate} requests per second is above Notion's published average of ${NOTION_PUBLISHED_RATE}; expect rate-limit (429) responses and a slower run`,
    );
  }
  if (token !== undefined && token !== env['NOTION_TOKEN']) {
    warnings.push('NOTION_TOKEN: leading or trailing whitespace removed');
  }
  const config: Config = { ...values, notion: { ...values.notion, roots }, ...(token !== undefined ? { token } : {}) };
  return { ok: true, config, warnings: scrub(warnings) };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// In YAML an empty value (`rate:` or a section whose lines are all commented out) is
// null; it means "use the default", exactly as if the key were absent.
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (!isMapping(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** Longest token accepted: Notion's are about 50 characters (`secret_…`, `ntn_…`). */
const MAX_TOKEN_LENGTH = 256;

/**
 * Why a token cannot be a Notion token, or null. Never quotes the token: it is a secret even
 * when it is wrong.
 */
export function problemWithToken(token: string): string | null {
  if (token.length > MAX_TOKEN_LENGTH) {
    return `is ${token.length} characters long, but a Notion token is about 50 (secret_… or ntn_…); copy the integration's secret again from https://www.notion.so/profile/integrations`;
  }
  if (/[\s]/.test(token)) return 'contains a line break or a space; copy the integration\'s secret again, in one piece';
  // Header values must be visible ASCII: anything else cannot be sent at all.
  if (/[^\x21-\x7e]/.test(token)) return 'contains characters a Notion token never has (control or non-ASCII characters); copy the integration\'s secret again';
  return null;
}
