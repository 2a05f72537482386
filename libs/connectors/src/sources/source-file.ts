import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * Reads a source definition file (config/sources/<key>.yaml): the body of
 * `POST /v1/admin/sources` in YAML, where `${NAME}` in a value stands for the environment variable
 * NAME so credentials stay out of files that are committed. Only values are substituted (after
 * parsing), never comments, and a value cannot inject YAML structure.
 */
export function readSourceFile(path: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const value: unknown = parse(readFileSync(path, 'utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${path} does not hold a source definition (a YAML mapping)`);
  }
  const missing = new Set<string>();
  const substitute = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
        const found = env[name];
        if (found === undefined) missing.add(name);
        return found ?? '';
      });
    }
    if (Array.isArray(node)) return node.map(substitute);
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v)]));
    }
    return node;
  };
  const result = substitute(value) as Record<string, unknown>;
  if (missing.size > 0) throw new Error(`${path} needs environment variable(s) ${[...missing].join(', ')}`);
  return result;
}
