// For --verbose: the effective configuration, as YAML, with the token redacted.
import { stringify } from 'yaml';
import { redactRemote, type Config } from './config-schema.js';

/**
 * Renders the effective config as YAML for --verbose; the token is shown only as set / not set,
 * the git archive remote without a password or token it may carry, privacy.excludePages and
 * excludeWhere as counts (their ids, URLs and values name what is left out), and the regular
 * expressions of redactTextPatterns not at all (they spell what they redact).
 */
export function describeConfig(config: Config): string {
  const { token, ...values } = config;
  const remote = values.archive.git.remote;
  const withRemote = remote === undefined ? values : { ...values, archive: { ...values.archive, git: { ...values.archive.git, remote: redactRemote(remote) } } };
  // The pages left out by privacy.excludePages are named nowhere a run prints, this included; nor
  // are the values excludeWhere compares (a left-out row's title or email) or the expressions of
  // redactTextPatterns (they spell what they redact).
  const p = withRemote.privacy;
  const listed = p.excludePages.length;
  const privacy = {
    ...p,
    ...(listed === 0 ? {} : { excludePages: `${listed} page(s) or database(s), not shown` }),
    ...(p.excludeWhere.length === 0 ? {} : { excludeWhere: `${p.excludeWhere.length} rule(s), not shown` }),
    redactTextPatterns: p.redactTextPatterns.map((pattern) => (typeof pattern === 'string' ? pattern : 'a regular expression, not shown')),
  };
  const shown = { ...withRemote, privacy };
  const tokenLine = token === undefined ? 'not set (NOTION_TOKEN)' : 'set (from NOTION_TOKEN, redacted)';
  return `${stringify(shown).trimEnd()}\ntoken: ${tokenLine}\n`;
}
