import { createHash } from 'node:crypto';
import type { UserObjectResponse } from '@notionhq/client';
import type { AssetLookup } from '../normalise/normalise-page.js';

/**
 * What a page's (or a database's) files were made from besides its own fetched content: every
 * lookup the render pass made for it. A page renders from its fetched content, its paths and
 * the answers to these lookups alone (src/render/page-files.ts), so while all of them give the
 * same answers its files are the same bytes, and the next run takes them from the snapshot as
 * they are instead of rendering them again.
 */
export interface RenderInputs {
  /** sha256 of its own inputs and of the answers to every lookup below (`renderInputs`), 32 hex digits. */
  hash: string;
  /** Pages, databases and blocks it asked about: title, Markdown path, the page holding it, heading anchor. */
  ids?: string[];
  /** Users it names (name, type, e-mail). */
  users?: string[];
  /** Files it looked up by asset key (where the copy is, or why there is none). */
  files?: string[];
}

/** The lookups of one render, recorded as they are made. */
export class LookupRecorder {
  readonly ids = new Set<string>();
  readonly users = new Set<string>();
  readonly files = new Set<string>();

  titleOf(titleOf: (id: string) => string | null): (id: string) => string | null {
    return (id) => {
      this.ids.add(id);
      return titleOf(id);
    };
  }

  assets(lookup: AssetLookup): AssetLookup {
    return (key) => {
      this.files.add(key);
      return lookup(key);
    };
  }

  /** The users map as the render sees it: every `get` and `has` recorded. */
  usersMap(users: ReadonlyMap<string, UserObjectResponse>): ReadonlyMap<string, UserObjectResponse> {
    const asked = this.users;
    return new Proxy(users, {
      get(target, prop) {
        if (prop === 'get' || prop === 'has') {
          return (id: string) => {
            asked.add(id);
            return prop === 'get' ? target.get(id) : target.has(id);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/** How this run answers each kind of lookup: the same text for the same answer. */
export interface RenderAnswers {
  id(id: string): string;
  user(id: string): string;
  file(key: string): string;
}

/**
 * The inputs of one render: `own` (its fetched content's digest, its paths, the render version,
 * …) and the current answer to each lookup. Used both ways: after a render, with what it
 * recorded; in the next run, with the lists kept from then, to learn whether any answer changed.
 */
export function renderInputs(own: unknown, asked: { ids?: Iterable<string>; users?: Iterable<string>; files?: Iterable<string> }, answers: RenderAnswers): RenderInputs {
  const ids = [...new Set(asked.ids)].sort();
  const users = [...new Set(asked.users)].sort();
  const files = [...new Set(asked.files)].sort();
  let text = stableJson(own);
  for (const id of ids) text += `\ni ${id} ${answers.id(id)}`;
  for (const id of users) text += `\nu ${id} ${answers.user(id)}`;
  for (const key of files) text += `\nf ${key} ${answers.file(key)}`;
  return { hash: createHash('sha256').update(text).digest('hex').slice(0, 32), ...(ids.length > 0 ? { ids } : {}), ...(users.length > 0 ? { users } : {}), ...(files.length > 0 ? { files } : {}) };
}

/** True when every lookup of an earlier render still gives the same answer, and its own inputs are the same. */
export function sameInputs(before: RenderInputs, own: unknown, answers: RenderAnswers): boolean {
  return renderInputs(own, before, answers).hash === before.hash;
}

/** A user as a render shows it (src/normalise/normalise-page.ts userRef, the Markdown's names). */
export function userAnswer(u: UserObjectResponse | undefined): string {
  if (!u) return 'null';
  return JSON.stringify([u.name ?? null, u.type, u.type === 'person' ? (u.person?.email ?? null) : null]);
}

/** A file lookup's answer as a render uses it: where the copy is (and what it is), the link kept, or why it is missing. */
export function fileAnswer(o: ReturnType<AssetLookup>): string {
  if (!o) return 'null';
  if (o.kind === 'stored') return stableJson(['stored', o.ref.name, o.asset]);
  if (o.kind === 'link') return JSON.stringify(['link', o.ref.name, o.url, o.reason ?? null]);
  return JSON.stringify(['missing', o.ref.name, o.reason]);
}

/** JSON with every object's keys sorted: the same text for the same value, whatever order it was built in. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}
