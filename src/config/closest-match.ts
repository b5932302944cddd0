// "Did you mean" hints for misspelt config keys, commands and flags.

/** The candidate closest to `input` (case-insensitive), or undefined when none is close enough to be a typo. */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  // One slip per four characters: "snyc" → sync, "concurency" → concurrency, but "foo" is not "root".
  const maxDistance = Math.max(1, Math.floor(input.length / 4));
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one each. */
export function editDistance(a: string, b: string): number {
  // Optimal string alignment: a swapped pair ("snyc") is the commonest typo, so it costs 1.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
