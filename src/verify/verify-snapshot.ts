import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { NotionKbError } from '../errors.js';
import {
  ChangesSchema,
  DatabaseRecordSchema,
  FeedSchema,
  IndexSchema,
  ManifestSchema,
  PageRecordSchema,
  RedirectsSchema,
  ReportSchema,
  type Index,
} from '../normalise/schemas.js';
import { listFiles, readLatest, sha256File } from '../publish/write-snapshot.js';

/** One thing wrong with a snapshot, naming the file. */
export interface VerifyProblem {
  path?: string;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  snapshotDir: string;
  problems: VerifyProblem[];
  checked: { files: number; links: number; records: number };
}

// ajv ships CommonJS with a default export; under ESM the class sits on `.default`.
type AjvClass = new (opts: Record<string, unknown>) => { compile(schema: object): unknown };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as unknown as AjvClass;

/** Markdown links and images `[x](target)` / `![x](<target with spaces> "title")`, and HTML src/href attributes. */
const MARKDOWN_LINK = /(?<!\\)!?\[(?:[^\]\\]|\\.)*\]\(\s*(?:<([^>\n]+)>|([^)\s>]+))(?:\s+"[^"]*")?\s*\)/g;
const HTML_LINK = /\s(?:src|href)="([^"]+)"/g;
/** Signed, expiring Notion file URLs (real S3 ones and the local server's). */
const EXPIRING_URL = /(X-Amz-Signature|X-Amz-Credential|prod-files-secure\.s3|secure\.notion-static\.com|file\.notion\.so\/f\/|\/files\/[0-9a-f-]{36}\/[^\s)"']*[?&]sig=)/i;

/**
 * Checks a snapshot: every manifest file present with its size and sha256, no file outside
 * the manifest, every relative link and asset reference resolving inside the snapshot,
 * index.json and every record valid against the JSON Schema shipped in the snapshot (and the
 * zod schemas it came from), and no expiring Notion file URL anywhere.
 */
export async function verifySnapshot(opts: { outDir: string; snapshotDir?: string }): Promise<VerifyResult> {
  let dir = resolve(opts.snapshotDir ?? (await latestSnapshotDir(opts.outDir)));
  const info = await stat(dir).catch(() => null);
  if (!info) throw new NotionKbError('usage', `${dir} does not exist: name a snapshot directory (under <out>/snapshots/) or an output directory`);
  if (!info.isDirectory()) throw new NotionKbError('usage', `${dir} is a file, not a snapshot directory: name a directory under <out>/snapshots/, or an output directory`);
  const has = (name: string) => stat(join(dir, name)).then(() => true, () => false);
  // An output directory (the natural guess): its latest snapshot.
  if (opts.snapshotDir !== undefined && (await has('latest.json'))) dir = await latestSnapshotDir(dir);
  else if (!(await has('manifest.json')) && !(await has('index.json'))) {
    throw new NotionKbError('no_snapshot', `${dir} is not a snapshot: it has no manifest.json and no index.json (name a directory under <out>/snapshots/, or an output directory)`);
  }
  const problems: VerifyProblem[] = [];
  const checked = { files: 0, links: 0, records: 0 };
  const onDisk = await listFiles(dir);
  const present = new Set(onDisk);

  // 1. Manifest: every file present, same size and hash; nothing unlisted.
  const manifest = await readJson(dir, 'manifest.json', problems);
  const parsedManifest = manifest === undefined ? null : ManifestSchema.safeParse(manifest);
  if (parsedManifest && !parsedManifest.success) problems.push({ path: 'manifest.json', message: `invalid: ${zodSummary(parsedManifest.error)}` });
  const listed = new Set<string>();
  if (parsedManifest?.success) {
    for (const f of parsedManifest.data.files) {
      listed.add(f.path);
      checked.files++;
      if (!present.has(f.path)) {
        problems.push({ path: f.path, message: 'listed in manifest.json but missing' });
        continue;
      }
      const actual = await sha256File(join(dir, f.path));
      if (actual.bytes !== f.bytes) problems.push({ path: f.path, message: `size ${actual.bytes} bytes, manifest says ${f.bytes}` });
      else if (actual.sha256 !== f.sha256) problems.push({ path: f.path, message: `sha256 ${actual.sha256} does not match the manifest (${f.sha256})` });
    }
  }
  for (const p of onDisk) if (p !== 'manifest.json' && !listed.has(p)) problems.push({ path: p, message: 'not listed in manifest.json' });

  // 2. Schemas: index.json, every record, report.json against the shipped JSON Schema and zod.
  const validators = await shippedValidators(dir, problems, present);
  const validate = async (path: string, zodSchema: z.ZodType, schemaFile: string): Promise<unknown> => {
    const value = await readJson(dir, path, problems);
    if (value === undefined) return undefined;
    checked.records++;
    const z = zodSchema.safeParse(value);
    if (!z.success) problems.push({ path, message: `does not match the record schema: ${zodSummary(z.error)}` });
    const v = validators.get(schemaFile);
    if (v && !v(value)) problems.push({ path, message: `does not validate against schema/${schemaFile}: ${ajvSummary(v.errors)}` });
    return z.success ? z.data : undefined;
  };
  const index = (await validate('index.json', IndexSchema, 'index.schema.json')) as Index | undefined;
  await validate('report.json', ReportSchema, 'report.schema.json');
  // The history files, in every snapshot since they were introduced (older snapshots have none).
  if (present.has('changes.json')) await validate('changes.json', ChangesSchema, 'changes.schema.json');
  if (present.has('redirects.json')) await validate('redirects.json', RedirectsSchema, 'redirects.schema.json');
  if (present.has('feed.json')) await validate('feed.json', FeedSchema, 'feed.schema.json');
  const referenced = (path: string, from: string) => {
    checked.links++;
    if (!present.has(path)) problems.push({ path: from, message: `refers to ${path}, which is not in the snapshot` });
  };
  if (index) {
    for (const p of index.pages) {
      referenced(p.path, 'index.json');
      referenced(p.record, 'index.json');
      if (present.has(p.record)) {
        const rec = (await validate(p.record, PageRecordSchema, 'page-record.schema.json')) as z.infer<typeof PageRecordSchema> | undefined;
        for (const a of rec?.assets ?? []) referenced(a.path, p.record);
        for (const path of filePathsIn(rec?.properties)) referenced(path, p.record);
      }
    }
    for (const d of index.databases) {
      referenced(d.path, 'index.json');
      if (d.csv) referenced(d.csv, 'index.json');
      if (present.has(d.path)) await validate(d.path, DatabaseRecordSchema, 'database-record.schema.json');
    }
  }

  // 3. Links in Markdown: every relative target resolves inside the snapshot; no expiring URL anywhere.
  for (const path of onDisk) {
    if (!/\.(md|json|csv)$/.test(path)) continue;
    const text = await readFile(join(dir, path), 'utf8');
    if (EXPIRING_URL.test(text)) problems.push({ path, message: 'contains an expiring Notion file URL (the file was not downloaded into the archive)' });
    if (!path.endsWith('.md')) continue;
    for (const target of linkTargets(text)) {
      checked.links++;
      const problem = checkRelativeLink(dir, path, target, present);
      if (problem) problems.push({ path, message: problem });
    }
  }
  return { ok: problems.length === 0, snapshotDir: dir, problems, checked };
}

async function latestSnapshotDir(outDir: string): Promise<string> {
  const pointer = await readLatest(outDir);
  if (!pointer) {
    throw new NotionKbError('no_snapshot', `there is no snapshot in ${outDir} yet (it has no latest.json): run "notion-kb sync", or pass --out <dir>`);
  }
  return join(outDir, pointer.path);
}

async function readJson(dir: string, path: string, problems: VerifyProblem[]): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, path), 'utf8');
  } catch {
    problems.push({ path, message: 'missing' });
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    problems.push({ path, message: `not valid JSON (${(err as Error).message})` });
    return undefined;
  }
}

type Validator = ((v: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };

// Compiling the record schemas takes about a second; snapshots of one version ship the same
// schemas, so a process that verifies several snapshots compiles each distinct text once.
const compiledSchemas = new Map<string, Validator>();

async function shippedValidators(dir: string, problems: VerifyProblem[], present: ReadonlySet<string>): Promise<Map<string, Validator>> {
  const out = new Map<string, Validator>();
  const history = ['changes.schema.json', 'redirects.schema.json', 'feed.schema.json'].filter((f) => present.has(`schema/${f}`) || present.has(f.replace('.schema', '')));
  for (const file of ['index.schema.json', 'page-record.schema.json', 'database-record.schema.json', 'report.schema.json', ...history]) {
    const schema = await readJson(dir, `schema/${file}`, problems);
    if (schema === undefined) continue;
    const key = JSON.stringify(schema);
    const cached = compiledSchemas.get(key);
    if (cached) {
      out.set(file, cached);
      continue;
    }
    try {
      // One Ajv per schema: two snapshots' schemas may share an $id with different content.
      const validator = new Ajv2020({ allErrors: false, strict: false, validateFormats: false }).compile(schema as object) as Validator;
      compiledSchemas.set(key, validator);
      out.set(file, validator);
    } catch (err) {
      problems.push({ path: `schema/${file}`, message: `not a usable JSON Schema (${(err as Error).message})` });
    }
  }
  return out;
}

/** Snapshot paths of downloaded files inside property values (files properties). */
function filePathsIn(properties: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const v of Object.values(properties ?? {})) {
    const value = v as { type?: string; value?: Array<{ path?: string | null }> };
    if (value.type === 'files') for (const f of value.value ?? []) if (f.path) out.push(f.path);
  }
  return out;
}

/** Link and image targets in Markdown, outside fenced and inline code. */
export function linkTargets(markdown: string): string[] {
  // YAML frontmatter holds titles and values, not links; code shows text, not links.
  const text = markdown
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(MARKDOWN_LINK)) out.push((m[1] ?? m[2])!);
  for (const m of text.matchAll(HTML_LINK)) out.push(m[1]!);
  return out;
}

function checkRelativeLink(dir: string, from: string, target: string, present: Set<string>): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//')) return null;
  let decoded: string;
  try {
    decoded = decodeURI(target.split('#')[0]!.split('?')[0]!);
  } catch {
    return `link ${target} is not a valid URI`;
  }
  if (decoded === '') return null;
  if (isAbsolute(decoded)) return `link ${target} is absolute; archive links must be relative`;
  const resolved = posix.normalize(posix.join(posix.dirname(from), decoded));
  if (resolved.startsWith('..') || !resolve(dir, resolved).startsWith(dir + sep)) return `link ${target} leaves the snapshot`;
  if (!present.has(resolved)) return `broken link ${target} (${relative('.', resolved)} does not exist)`;
  return null;
}

function zodSummary(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function ajvSummary(errors: Validator['errors']): string {
  return (errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim())
    .join('; ');
}
