import jsonata from 'jsonata';
import { MappingCompileError } from '../errors/mapping.errors';

/** A source's `mapping` object as the operator API takes it. */
export interface MappingDefinition {
  language: 'jsonata';
  expression: string;
}

/** A mapping whose expression is known to compile. Plain data: safe to cache and share between evaluations. */
export interface CompiledMapping {
  readonly language: 'jsonata';
  readonly expression: string;
}

interface JsonataErrorShape {
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

/**
 * Checks a mapping definition and its expression. Throws MappingCompileError (MAPPING_INVALID)
 * with JSONata's message, `position` (character offset) and `token`.
 */
export function compileMapping(definition: unknown): CompiledMapping {
  if (typeof definition !== 'object' || definition === null)
    throw new MappingCompileError('a mapping must be an object {"language":"jsonata","expression":"…"}');
  const { language, expression } = definition as Record<string, unknown>;
  if (language !== 'jsonata')
    throw new MappingCompileError(
      `mapping language ${JSON.stringify(language)} is not supported; use "jsonata"`,
    );
  if (typeof expression !== 'string' || expression.trim() === '')
    throw new MappingCompileError('the mapping expression is empty');
  parseJsonata(expression);
  return { language, expression };
}
