/** Canonical JSON: two-space indent, trailing newline; key order is the order objects are built in. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
