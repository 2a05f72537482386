import { type Envelope } from '@txng/national-model';
import { type CompiledMapping } from '../engine/compile-mapping';
import { DEFAULT_MAX_DEPTH, DEFAULT_TIMEOUT_MS, type EvaluateOptions } from '../engine/evaluate-mapping';
import { type MappedText, mappingSandbox, type SandboxTask } from './mapping-sandbox';

export interface SandboxedEvaluateOptions extends EvaluateOptions {
  /** Longest wait for a free sandbox process (MAPPING_BUSY past it); by default only the queue limit bounds it. */
  maxWaitMs?: number;
}

/**
 * `evaluateMapping` in the process-wide sandbox: the same envelope or MappingError, but a mapping
 * that runs away (time or memory) is stopped without touching the caller's event loop or heap.
 * Also MappingUnavailableError (temporary) when the sandbox is saturated or cannot start.
 */
export function evaluateSandboxed(
  compiled: CompiledMapping,
  input: unknown,
  options: SandboxedEvaluateOptions = {},
): Promise<Envelope> {
  return mappingSandbox().evaluate(sandboxTask(compiled, input, options));
}

/** `evaluateSandboxed`, answering the envelope's JSON text and record count (never parsed here). */
export function evaluateSandboxedText(
  compiled: CompiledMapping,
  input: unknown,
  options: SandboxedEvaluateOptions = {},
): Promise<MappedText> {
  return mappingSandbox().evaluateText(sandboxTask(compiled, input, options));
}

function sandboxTask(compiled: CompiledMapping, input: unknown, options: SandboxedEvaluateOptions): SandboxTask {
  return {
    expression: compiled.expression,
    input,
    bindings: options.bindings,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxWaitMs: options.maxWaitMs,
  };
}
