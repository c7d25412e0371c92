/**
 * JSON numbers beyond the range of a double (`1e400`) parse as `Infinity`, which JSON cannot write back: it would
 * reach a validator as `null`. This finds them, so the error can say "out of range" where they are.
 */

/** Path (`a.b[2]`, `(root)` for the value itself) of the first number that is not finite, or null when there is none. */
export function nonFiniteNumberPath(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '(root)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonFiniteNumberPath(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = nonFiniteNumberPath(item, path ? `${path}.${key}` : key);
      if (found !== null) return found;
    }
  }
  return null;
}

/** The message for a number found by {@link nonFiniteNumberPath}. */
export function outOfRangeMessage(path: string): string {
  return `${path}: number out of range (beyond ±1.8e308, the largest a JSON number can be read as)`;
}
