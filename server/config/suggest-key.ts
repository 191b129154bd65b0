/**
 * Picks the known key the user most likely meant, or undefined when nothing is close.
 * `maxConnections` and `MAX-CONNECTIONS` match `max_connections` outright; otherwise a typo
 * within roughly one edit per four characters counts as close.
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const normalized = normalize(unknown);
  const exact = known.find((k) => normalize(k) === normalized);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(unknown.toLowerCase(), candidate);
    if (distance < bestDistance && distance <= Math.max(1, Math.floor(candidate.length / 4))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Levenshtein distance with a single rolling row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
