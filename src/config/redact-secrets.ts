// Config values are echoed back in error lines; a token pasted into the wrong place
// (a root, an output dir, a flag) must not be echoed with them.

// Notion integration tokens: "secret_…" (internal, older) and "ntn_…" (current).
const TOKEN_PATTERN = /\b(?:secret|ntn)_[A-Za-z0-9]{8,}/g;

/** Replaces Notion-token-shaped substrings and each given secret with "[redacted]". */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; real tokens are 50 characters.
    if (secret !== undefined && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out.replace(TOKEN_PATTERN, '[redacted]');
}
