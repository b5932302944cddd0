import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { NotionKbError } from '../errors.js';

// ajv ships CommonJS with a default export; under ESM the class sits on `.default`.
type AjvClass = new (opts: Record<string, unknown>) => { compile(schema: object): unknown };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as unknown as AjvClass;

type Validator = ((v: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };

// Compiling a record schema takes about a second: snapshots of one version ship the same
// schema text, so each distinct text is compiled once per process.
const compiled = new Map<string, Validator>();

/**
 * Validates a snapshot's JSON files against the JSON Schema shipped in that snapshot's
 * `schema/` directory (so a snapshot written by a newer notion-kb with additive fields still
 * validates). Schemas are read and compiled on first use.
 */
export class ShippedSchemas {
  private readonly validators = new Map<string, Promise<Validator>>();

  constructor(private readonly snapshotDir: string) {}

  /** Throws a `NotionKbError` naming the file and the first problems when `value` does not validate. */
  async check(schemaFile: string, value: unknown, path: string): Promise<void> {
    let v = this.validators.get(schemaFile);
    if (!v) {
      v = this.load(schemaFile);
      this.validators.set(schemaFile, v);
    }
    const validate = await v;
    if (!validate(value)) {
      const why = (validate.errors ?? [])
        .slice(0, 3)
        .map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim())
        .join('; ');
      throw new NotionKbError('usage', `${join(this.snapshotDir, path)} does not validate against schema/${schemaFile}: ${why} (the snapshot is damaged: run "notion-kb verify" on it)`);
    }
  }

  private async load(schemaFile: string): Promise<Validator> {
    const file = join(this.snapshotDir, 'schema', schemaFile);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new NotionKbError('usage', `${file} is missing: every snapshot ships its JSON Schema (is ${this.snapshotDir} a notion-kb snapshot?)`);
    }
    const cached = compiled.get(text);
    if (cached) return cached;
    try {
      // One Ajv per schema: two snapshots' schemas may share an $id with different content.
      const validator = new Ajv2020({ allErrors: false, strict: false, validateFormats: false }).compile(JSON.parse(text) as object) as Validator;
      compiled.set(text, validator);
      return validator;
    } catch (err) {
      throw new NotionKbError('usage', `${file} is not a usable JSON Schema (${(err as Error).message})`);
    }
  }
}
