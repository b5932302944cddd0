// Standalone on purpose: the CLI maps this and NotionKbError to exit code 2 without
// the config module depending on the rest of the tool.

/** A configuration problem: every issue is one `path: problem` line, all reported at once. */
export class ConfigError extends Error {
  readonly code = 'config' as const;
  /** One line per problem, `path: problem`, in the order found. */
  readonly issues: readonly string[];
  /** The config file the problems were found in, as given (absent when they come from flags or the environment only). */
  readonly file?: string;

  constructor(issues: readonly string[], file?: string) {
    // The file is named only when a problem is in it, not when all come from the environment or flags.
    const where = file !== undefined && issues.some(inTheFile) ? `config file ${file}` : 'configuration';
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${where}: ${count}\n${issues.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
    if (file !== undefined) this.file = file;
  }
}

/** A problem line about the file itself, not about a value from the environment or a flag (`path (from SOURCE): …`) or the token. */
const inTheFile = (line: string): boolean => !/^[^\s:]+ \(from [^)]*\):/.test(line) && !line.startsWith('NOTION_TOKEN:');

/** True for a ConfigError, also across module copies (checks the code, not the prototype). */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof Error && (error as { code?: unknown }).code === 'config' && Array.isArray((error as { issues?: unknown }).issues);
}
