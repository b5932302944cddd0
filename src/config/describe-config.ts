// For --verbose: the effective configuration, as YAML, with the token redacted.
import { stringify } from 'yaml';
import type { Config } from './config-schema.js';

/** Renders the effective config as YAML for --verbose; the token is shown only as set / not set. */
export function describeConfig(config: Config): string {
  const { token, ...values } = config;
  const tokenLine = token === undefined ? 'not set (NOTION_TOKEN)' : 'set (from NOTION_TOKEN, redacted)';
  return `${stringify(values).trimEnd()}\ntoken: ${tokenLine}\n`;
}
