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
  /** sha256 (hex) of its own inputs and of the answers to every lookup below (`renderInputs`). */
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

/** How this run answers each kind of lookup: anything JSON can hold, the same value for the same answer. */
export interface RenderAnswers {
  id(id: string): unknown;
  user(id: string): unknown;
  file(key: string): unknown;
}

/**
 * The inputs of one render: `own` (its fetched content's digest, its paths, the render version,
 * …) and the current answer to each lookup. Used both ways: after a render, with what it
 * recorded; in the next run, with the lists kept from then, to learn whether any answer changed.
 */
export function renderInputs(own: unknown, asked: { ids?: Iterable<string>; users?: Iterable<string>; files?: Iterable<string> }, answers: RenderAnswers): RenderInputs {
  const ids = [...(asked.ids ?? [])].sort();
  const users = [...(asked.users ?? [])].sort();
  const files = [...(asked.files ?? [])].sort();
  const hash = createHash('sha256').update(stableJson(own));
  for (const id of ids) hash.update(`\ni ${id} ${stableJson(answers.id(id) ?? null)}`);
  for (const id of users) hash.update(`\nu ${id} ${stableJson(answers.user(id) ?? null)}`);
  for (const key of files) hash.update(`\nf ${key} ${stableJson(answers.file(key) ?? null)}`);
  return { hash: hash.digest('hex'), ...(ids.length > 0 ? { ids } : {}), ...(users.length > 0 ? { users } : {}), ...(files.length > 0 ? { files } : {}) };
}

/** True when every lookup of an earlier render still gives the same answer, and its own inputs are the same. */
export function sameInputs(before: RenderInputs, own: unknown, answers: RenderAnswers): boolean {
  return renderInputs(own, before, answers).hash === before.hash;
}

/** A user as a render shows it (src/normalise/normalise-page.ts userRef, the Markdown's names). */
export function userAnswer(u: UserObjectResponse | undefined): unknown {
  if (!u) return null;
  return [u.name ?? null, u.type, u.type === 'person' ? (u.person?.email ?? null) : null];
}

/** A file lookup's answer as a render uses it: where the copy is (and what it is), the link kept, or why it is missing. */
export function fileAnswer(o: ReturnType<AssetLookup>): unknown {
  if (!o) return null;
  if (o.kind === 'stored') return ['stored', o.ref.name, o.asset];
  if (o.kind === 'link') return ['link', o.ref.name, o.url, o.reason ?? null];
  return ['missing', o.ref.name, o.reason];
}

/** JSON with every object's keys sorted: the same text for the same value, whatever order it was built in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
