// For --verbose: the effective configuration, as YAML, with the token redacted.
import { stringify } from 'yaml';
import { redactRemote, type Config } from './config-schema.js';

/**
 * Renders the effective config as YAML for --verbose; the token is shown only as set / not set,
 * and the git archive remote without a password or token it may carry.
 */
export function describeConfig(config: Config): string {
  const { token, ...values } = config;
  const remote = values.archive.git.remote;
  const shown = remote === undefined ? values : { ...values, archive: { ...values.archive, git: { ...values.archive.git, remote: redactRemote(remote) } } };
  const tokenLine = token === undefined ? 'not set (NOTION_TOKEN)' : 'set (from NOTION_TOKEN, redacted)';
  return `${stringify(shown).trimEnd()}\ntoken: ${tokenLine}\n`;
}
