import jsonata from 'jsonata';
import { MappingCompileError } from '../errors/mapping.errors';

export interface JsonataErrorShape {
  message?: string;
  position?: number;
  token?: string;
  code?: string;
}

/** JSONata's thrown values are plain objects, not Errors; read what they carry. */
export function jsonataErrorShape(error: unknown): JsonataErrorShape {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const e = error as Record<string, unknown>;
  return {
    message: typeof e.message === 'string' ? e.message : undefined,
    position: typeof e.position === 'number' ? e.position : undefined,
    token:
      typeof e.token === 'string' ? e.token : e.token === undefined ? undefined : JSON.stringify(e.token),
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

/** Parses a JSONata expression (may throw MappingCompileError). */
export function parseJsonata(expression: string): jsonata.Expression {
  try {
    return jsonata(expression);
  } catch (error) {
    const e = jsonataErrorShape(error);
    const where = e.position !== undefined ? ` at character ${e.position}` : '';
    throw new MappingCompileError(
      `the mapping does not compile${where}: ${e.message ?? 'syntax error'}${e.code ? ` (JSONata ${e.code})` : ''}`,
      {
        position: e.position,
        token: e.token,
      },
    );
  }
}
