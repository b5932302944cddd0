// The single source of the configuration: its shape, its defaults, its documentation
// (.describe) and its validation messages. Messages are the "problem" half of a
// `path: problem` line; formatConfigIssues adds the path and the offending value.
import { z } from 'zod';
import { PROPERTY_TYPES } from '../normalise/schemas.js';
import { parseNotionId } from './notion-id.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);


/** A number within what makes sense for the setting (a rate of 1e-7 would wait for months between requests). */
const between = (min: number, max: number, what: string) =>
  z
    .number({ error: `must be a number from ${min} to ${max}${what}` })
    .min(min, { error: `must be from ${min} to ${max}${what}` })
    .max(max, { error: `must be from ${min} to ${max}${what}` });
const wholeBetween = (min: number, max: number, what: string) =>
  between(min, max, what).int({ error: `must be a whole number from ${min} to ${max}${what}` });

const count = () =>
  z
    .number({ error: 'must be a whole number, 0 or more' })
    .int({ error: 'must be a whole number, 0 or more' })
    .nonnegative({ error: 'must be a whole number, 0 or more' });

/** Why a string cannot be the Notion API origin, or null if it can. */
export function baseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `not a URL: ${JSON.stringify(value)}`;
  }
  // Never echo credentials embedded in a URL: they are secrets too.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  const shown = JSON.stringify(`${url.protocol}//${url.host}${url.pathname}`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an http(s) URL (got ${shown})`;
  // The token travels in every request header: plain http is only safe on this machine.
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname) && !url.hostname.startsWith('127.')) {
    return `must use https unless the host is loopback (got ${shown})`;
  }
  if (url.search !== '' || url.hash !== '') return `must not contain a query or fragment (got ${shown})`;
  // The SDK adds /v1/… itself: a path here (often a copied "…/v1") makes every request miss.
  if (url.pathname.replace(/\/+$/, '') !== '') return `must be the API origin only, without a path such as /v1 (got ${shown}; use ${JSON.stringify(`${url.protocol}//${url.host}`)})`;
  return null;
}

const baseUrl = z
  .string({ error: 'must be a URL string' })
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  })
  // The SDK appends "/v1/…" itself.
  .overwrite((value) => value.replace(/\/+$/, ''));

const root = z
  .string({ error: 'must be a Notion page id or URL string' })
  .superRefine((value, ctx) => {
    if (parseNotionId(value) === null) {
      ctx.addIssue({ code: 'custom', message: `not a Notion page id or URL: ${JSON.stringify(value)}` });
    }
  })
  .overwrite((value) => parseNotionId(value) ?? value);

/**
 * Why a string cannot be a git branch name, or null if it can: the rules of
 * `git check-ref-format --branch` (no space, ~ ^ : ? * [ \ or control character, no `..`,
 * `@{` or `//`, no part starting with `.` or ending with `.lock`, not `@`, no leading `-`).
 */
export function branchNameProblem(name: string): string | null {
  const shown = JSON.stringify(name);
  const bad =
    name === '' ||
    name === '@' ||
    name.startsWith('-') ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.includes('..') ||
    name.includes('//') ||
    name.includes('@{') ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(name) ||
    name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  return bad ? `not a valid git branch name: ${shown} (see git check-ref-format)` : null;
}

/**
 * Shows a git remote without the secret a URL may carry: an http(s) URL's user part (often a
 * token: `https://***@host/…`) and any URL's password (`ssh://git:***@host/…`). Applies to every
 * URL in a text, so git's own messages can be passed through it too.
 */
export function redactRemote(text: string): string {
  return text
    .replace(/\b(https?:\/\/)[^/@\s'"]+@/gi, '$1***@')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/@\s:'"]*):[^/@\s'"]+@/gi, '$1$2:***@');
}

const branch = z
  .string({ error: 'must be a git branch name' })
  .superRefine((value, ctx) => {
    const problem = branchNameProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

const remote = z
  .string({ error: 'must be a git URL or path' })
  .superRefine((value, ctx) => {
    // Custom messages only: the value may be a URL holding a password, which is never echoed.
    if (value.trim() === '') ctx.addIssue({ code: 'custom', message: 'must be a non-empty git URL or path' });
    else if (value.startsWith('-')) ctx.addIssue({ code: 'custom', message: `must not start with "-" (got ${JSON.stringify(redactRemote(value))})` });
    else if (/[\r\n\0]/.test(value)) ctx.addIssue({ code: 'custom', message: 'must be one line' });
  });

const identityPart = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .superRefine((value, ctx) => {
      if (value.trim() === '' || /[<>\r\n\0]/.test(value)) {
        ctx.addIssue({ code: 'custom', message: `must be ${what}, without < > or line breaks (got ${JSON.stringify(value)})` });
      }
    });

/** Named text patterns of `privacy.redactTextPatterns` (src/privacy/text-patterns.ts holds the expressions). */
export const NAMED_TEXT_PATTERNS = ['email', 'phone', 'url'] as const;

/** Why a string cannot be a `{ regex }` text pattern, or null if it can. */
export function regexProblem(source: string): string | null {
  if (source === '') return 'must be a non-empty regular expression';
  try {
    new RegExp(source, 'gu');
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
  // A pattern that matches the empty string would redact between every character.
  if (new RegExp(`^(?:${source})$`, 'u').test('')) return 'must not match the empty text';
  return null;
}

const textPattern = z.union(
  [
    z.enum(NAMED_TEXT_PATTERNS),
    z.strictObject({
      regex: z
        .string({ error: 'must be a regular expression string' })
        .superRefine((value, ctx) => {
          const problem = regexProblem(value);
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        }),
    }),
  ],
  { error: `must be one of ${NAMED_TEXT_PATTERNS.join(', ')}, or { regex: "<regular expression>" }` },
);

const excludeRule = z
  .strictObject(
    {
      property: z.string({ error: 'must be a property name' }).min(1, { error: 'must be a non-empty property name' }),
      equals: z.union([z.string(), z.number(), z.boolean()], { error: 'must be a text, a number or true/false' }),
    },
    { error: 'must be a mapping like { property: Visibility, equals: Internal }' },
  );

const propertyType = z.enum(PROPERTY_TYPES, { error: `must be a Notion property type: ${PROPERTY_TYPES.filter((t) => t !== 'title').join(', ')}` }).refine((t) => t !== 'title', {
  error: 'the title cannot be redacted (leave such pages out with excludeWhere or excludePages)',
});

/** The configuration file schema (strict at every level); parsing `{}` yields all defaults. */
export const ConfigSchema = z
  .strictObject({
    notion: z
      .strictObject({
        baseUrl: baseUrl
          .default('https://api.notion.com')
          .describe('Origin of the Notion API. The NOTION_BASE_URL environment variable overrides it.'),
        roots: z
          .array(root, { error: 'must be a list of Notion page ids or URLs' })
          .default([])
          .describe(
            'Pages or databases to export (ids or URLs), each with everything below it. Empty: everything shared with the integration.',
          ),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('Where to read from.'),
    output: z
      .strictObject({
        dir: z
          .string({ error: 'must be a directory path' })
          .min(1, { error: 'must be a non-empty directory path' })
          .default('output')
          .describe('Directory that receives the snapshots, relative to the working directory.'),
        site: z
          .boolean({ error: 'must be true or false' })
          .default(false)
          .describe(
            'Also write an offline website into every snapshot (site/index.html opens from the file system, no network). `notion-kb export` always writes it.',
          ),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('Where to write to.'),
    requests: z
      .strictObject({
        rate: z
          .union([z.literal('auto'), between(0.01, 1000, ' requests per second')], {
            error: 'must be "auto" or a number from 0.01 to 1000 requests per second',
          })
          .default(3)
          .describe(
            "Average Notion API requests per second (Notion's published limit is an average of 3), or auto: learn the connection's budget per minute from Notion's answers and spend all of it evenly (for the close-out export or a first sync; it leaves less of the workspace's shared limit to other integrations).",
          ),
        concurrency: wholeBetween(1, 64, ' requests in flight').default(3).describe('Notion API requests in flight at once.'),
        timeoutMs: wholeBetween(1, 3_600_000, ' milliseconds (up to 1 h)').default(60_000).describe('Time limit for one Notion API request, in milliseconds.'),
        maxAttempts: wholeBetween(1, 100, ' attempts')
          .default(8)
          .describe('Attempts per request (rate limits, timeouts, 5xx) before the request counts as failed.'),
        giveUpAfterMs: wholeBetween(1, 86_400_000, ' milliseconds (up to 24 h)')
          .default(300_000)
          .describe('Total time one request may spend on retries and waits before it counts as failed, in milliseconds.'),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('How to talk to the Notion API.'),
    assets: z
      .strictObject({
        external: z
          .enum(['images', 'all', 'none'], { error: 'must be one of images, all, none' })
          .default('images')
          .describe(
            'Which external (non-Notion) files to download: images, all or none. The rest stay links. Files hosted by Notion are always downloaded.',
          ),
        maxBytes: wholeBetween(1, 1_099_511_627_776, ' bytes')
          .default(104_857_600)
          .describe('Largest file to download, in bytes; larger files are reported and kept as links.'),
        concurrency: wholeBetween(1, 64, ' downloads in flight').default(4).describe('File downloads in flight at once.'),
        timeoutMs: wholeBetween(1, 3_600_000, ' milliseconds (up to 1 h)').default(120_000).describe('Time limit for one file download, in milliseconds.'),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('Which files (images, attachments) to copy into the archive.'),
    content: z
      .strictObject({
        comments: z
          .boolean({ error: 'must be true or false' })
          .default(false)
          .describe(
            'Also export comments (needs the integration\'s "Read comments" capability): one more request per page and per block, so off by default.',
          ),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('What to export besides pages, databases and files.'),
    retention: z
      .strictObject({
        keepLast: count().default(7).describe('`notion-kb prune` keeps the newest N snapshots.'),
        keepDaily: count()
          .default(30)
          .describe('`notion-kb prune` also keeps the newest snapshot of each of the newest N days (UTC) that have one.'),
        keepMonthly: count()
          .default(12)
          .describe('`notion-kb prune` also keeps the newest snapshot of each of the newest N months (UTC) that have one.'),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('Which snapshots `notion-kb prune` keeps (it never removes the one latest.json points at; sync never prunes).'),
    privacy: z
      .strictObject({
        excludePages: z
          .array(root, { error: 'must be a list of Notion page ids or URLs' })
          .default([])
          .describe('Pages or databases (ids or URLs) left out of the snapshot, with everything under them: no file, record, title, id or link remains.'),
        excludeWhere: z
          .array(excludeRule, { error: 'must be a list of { property, equals } rules' })
          .default([])
          .describe(
            'Pages (database rows) left out, with their sub-pages, when a property has a value: { property: Visibility, equals: Internal }. select, status, checkbox, number and text properties compare by value, multi_select by "contains".',
          ),
        redactPropertyTypes: z
          .array(propertyType, { error: 'must be a list of Notion property types' })
          .default([])
          .describe('Property types whose values are redacted everywhere, e.g. [email, phone_number, people]: null with "redacted": true in JSON, empty in CSV, absent from Markdown.'),
        redactProperties: z
          .array(z.string({ error: 'must be a property name' }).min(1, { error: 'must be a non-empty property name' }), { error: 'must be a list of property names' })
          .default([])
          .describe('Property names whose values are redacted like redactPropertyTypes, e.g. ["Budget (€)"].'),
        redactTextPatterns: z
          .array(textPattern, { error: 'must be a list of text patterns' })
          .default([])
          .describe('Patterns replaced by "[redacted]" in page text, titles and text properties: email, phone, url, or { regex: "…" }.'),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('What a snapshot leaves out (pages) and blanks (property values, text patterns), for archives that are published.'),
    archive: z
      .strictObject({
        git: z
          .strictObject({
            remote: remote
              .optional()
              .describe(
                'Git repository (URL or path; a path is relative to the working directory) that receives one commit per new snapshot. Absent: no git archive.',
              ),
            branch: branch.default('main').describe('Branch of the archive repository that the snapshots are committed to.'),
            author: z
              .strictObject({
                name: identityPart('a name').default('notion-kb').describe('Author and committer name of the archive commits.'),
                email: identityPart('an email address')
                  .default('notion-kb@localhost')
                  .describe('Author and committer email of the archive commits.'),
              }, { error: 'must be a mapping' })
              .prefault({})
              .describe('Who the archive commits are by (git user.name and user.email are not needed).'),
          }, { error: 'must be a mapping' })
          .prefault({})
          .describe('A git repository holding every snapshot as one commit, pushed with the system git and your own credentials.'),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('Where else each new snapshot is published.'),
    export: z
      .strictObject({
        format: z
          .enum(['zip', 'tar.gz'], { error: 'must be one of zip, tar.gz' })
          .default('zip')
          .describe('Archive format of the bundle `notion-kb export` writes (a BagIt bag): zip or tar.gz. Flag: --format.'),
      }, { error: 'must be a mapping' })
      .prefault({})
      .describe('The bundle of `notion-kb export`.'),
  }, { error: 'must be a mapping' })
  .describe('notion-kb configuration (config/notion-kb.yaml).');

/** The configuration values as written in a file (every key optional). */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** The validated configuration values, defaults filled in, roots as dashed lowercase UUIDs. */
export type ConfigValues = z.output<typeof ConfigSchema>;

/** The configuration a command runs with: file, environment and flags merged; `token` comes only from NOTION_TOKEN. */
export type Config = ConfigValues & { readonly token?: string };

/** The schema defaults (what an empty or missing config file means). */
export function configDefaults(): ConfigValues {
  return ConfigSchema.parse({});
}

/** JSON Schema of the config file, for editors and for the archive's documentation. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { io: 'input' }) as Record<string, unknown>;
}
