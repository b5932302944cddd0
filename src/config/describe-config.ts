// For --verbose: the effective configuration, as YAML, with the token redacted.
import { stringify } from 'yaml';
import { redactRemote, type Config } from './config-schema.js';

/**
 * Renders the effective config as YAML for --verbose; the token is shown only as set / not set,
 * the git archive remote without a password or token it may carry, and privacy.excludePages
 * as a count (their ids and URLs name what is left out).
 */
export function describeConfig(config: Config): string {
  const { token, ...values } = config;
  const remote = values.archive.git.remote;
  const withRemote = remote === undefined ? values : { ...values, archive: { ...values.archive, git: { ...values.archive.git, remote: redactRemote(remote) } } };
  // The pages left out by privacy.excludePages are named nowhere a run prints, this included.
  const listed = values.privacy.excludePages.length;
  const shown = listed === 0 ? withRemote : { ...withRemote, privacy: { ...withRemote.privacy, excludePages: `${listed} page(s) or database(s), not shown` } };
  const tokenLine = token === undefined ? 'not set (NOTION_TOKEN)' : 'set (from NOTION_TOKEN, redacted)';
  return `${stringify(shown).trimEnd()}\ntoken: ${tokenLine}\n`;
}
