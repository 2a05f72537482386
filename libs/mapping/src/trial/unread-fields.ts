import { parseJsonata } from '../engine/parse-jsonata';

/** The field names an expression reads, or `all` when it can read any field (wildcards, `$`, `$keys`…). */
export function namesRead(expression: string): Set<string> | 'all' {
  if (expression.trim() === '') return 'all';
  let ast: unknown;
  try {
    ast = parseJsonata(expression).ast();
  } catch {
    return 'all';
  }
  const names = new Set<string>();
  let all = false;
  const walk = (node: unknown, top: boolean): void => {
    if (all || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, false);
      return;
    }
    const n = node as Record<string, unknown>;
    if (n.type === 'name' && typeof n.value === 'string') names.add(n.value);
    if (n.type === 'wildcard' || n.type === 'descendant') all = true;
    // The whole input passed on as it is (`$` alone), or read by functions that list its keys.
    if (top && n.type === 'variable' && n.value === '') all = true;
    if (n.type === 'function' || n.type === 'partial') {
      const procedure = n.procedure as Record<string, unknown> | undefined;
      if (
        procedure &&
        ['keys', 'each', 'sift', 'spread', 'lookup', 'merge', 'string'].includes(String(procedure.value))
      )
        all = true;
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'position') walk(v, false);
  };
  walk(ast, true);
  return all ? 'all' : names;
}

/** Every leaf path of a parsed payload, `products[].kg` style, at most `max` distinct ones. */
export function leafPaths(data: unknown, max = 2000): string[] {
  const out = new Set<string>();
  const walk = (value: unknown, path: string): void => {
    if (out.size >= max) return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v, `${path}[]`);
      return;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 0 && path) out.add(path);
      for (const [k, v] of entries) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (path) out.add(path);
  };
  walk(data, '');
  return [...out];
}

const segments = (path: string): string[] => path.split('.').map((s) => s.replace(/\[\]$/, ''));

/**
 * The payload paths an expression never reads: a leaf is read when its own name is, or when an
 * object above it is read whole (named, with nothing under it named). Names, not paths, are
 * compared, so a name read anywhere counts as read everywhere: a field reported here is surely unread.
 */
export function unreadPaths(paths: readonly string[], read: Set<string>): string[] {
  const named = (path: string[]) => path.some((s) => read.has(s));
  return paths.filter((path) => {
    const parts = segments(path);
    if (read.has(parts[parts.length - 1])) return false;
    for (let i = parts.length - 2; i >= 0; i--) {
      if (!read.has(parts[i])) continue;
      // Read whole when nothing below it is named (in any payload path under it).
      const prefix = parts.slice(0, i + 1).join('.');
      const below = paths
        .filter((p) => segments(p).join('.').startsWith(`${prefix}.`))
        .map((p) => segments(p).slice(i + 1));
      return below.some((b) => named(b));
    }
    return true;
  });
}
