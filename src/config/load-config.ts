// The I/O edge of the config module: reads the file, then hands over to the pure
// parseConfigYaml and resolveConfig. Throws ConfigError with every problem at once.
import { readFile } from 'node:fs/promises';
import type { Config } from './config-schema.js';
import { ConfigError } from './config-error.js';
import { parseConfigYaml } from './parse-config-yaml.js';
import { redactSecrets } from './redact-secrets.js';
import { resolveConfig, type ConfigEnv, type ConfigFlags } from './resolve-config.js';

/** The config file read when --config is not given (relative to the working directory). */
export const DEFAULT_CONFIG_FILE = 'config/notion-kb.yaml';

/** What loadConfig needs: the file (and whether the user named it), the environment and the flags. */
export interface LoadConfigOptions {
  /** Config file path; defaults to DEFAULT_CONFIG_FILE. */
  readonly file?: string | undefined;
  /** True when the user gave --config: then a missing file is an error instead of "use the defaults". */
  readonly explicit: boolean;
  readonly env: ConfigEnv;
  readonly flags?: ConfigFlags | undefined;
}

/** The merged config, what to warn about, and which file it came from (null: none found, defaults used). */
export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: string[];
  readonly file: string | null;
}

/** Loads and validates the config: flags > env (NOTION_BASE_URL, NOTION_TOKEN) > file > defaults. Throws ConfigError. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const file = options.file ?? DEFAULT_CONFIG_FILE;
  const text = await readConfigText(file, options.explicit);
  let fileValue: unknown = {};
  const warnings: string[] = [];
  if (text !== null) {
    const parsed = parseConfigYaml(text);
    // YAML messages quote only structure, but a token pasted into the file must still not leak.
    if (!parsed.ok) throw new ConfigError(parsed.issues.map((line) => redactSecrets(line, [options.env['NOTION_TOKEN']])), file);
    fileValue = parsed.value;
    warnings.push(...parsed.warnings.map((w) => redactSecrets(`${file}: ${w}`, [options.env['NOTION_TOKEN']])));
  }
  const resolved = resolveConfig({ fileValue, env: options.env, flags: options.flags });
  if (!resolved.ok) throw new ConfigError(resolved.issues, text === null ? undefined : file);
  return { config: resolved.config, warnings: [...warnings, ...resolved.warnings], file: text === null ? null : file };
}

async function readConfigText(file: string, explicit: boolean): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return null;
    const reason =
      code === 'ENOENT'
        ? 'file not found (given with --config)'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError([reason], file);
  }
}
