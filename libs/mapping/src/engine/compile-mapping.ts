import { MappingCompileError } from '../errors/mapping.errors';
import { remember } from './expression-pool';

export { jsonataErrorShape, parseJsonata } from './parse-jsonata';

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
  // Parsed once per expression string: the instance waits in the pool for the first evaluation.
  remember(expression);
  return { language, expression };
}
