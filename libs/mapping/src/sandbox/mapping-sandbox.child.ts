import { compileMapping } from '../engine/compile-mapping';
import { evaluateMapping } from '../engine/evaluate-mapping';
import { MappingError, MappingOutOfMemoryError } from '../errors/mapping.errors';
import { countEnvelopeRecords } from '../preview/count-envelope-records';
import { type EvaluateMessage, mappingErrorData, type SandboxMessage } from './sandbox-messages';

/**
 * The mapping sandbox process (docs/adr/0004): evaluates one mapping at a time for its parent and
 * answers over the IPC channel. Parsed expressions stay in this process's expression pool, so a
 * mapping is parsed once per process, not once per payload. The parent ends the process when a
 * built-in call runs past the time limit; V8 ends it when it passes its heap limit.
 */
function send(message: SandboxMessage): void {
  process.send?.(message);
}

async function evaluate(message: EvaluateMessage): Promise<SandboxMessage> {
  const { id } = message;
  try {
    const compiled = compileMapping({ language: 'jsonata', expression: message.expression });
    const envelope = await evaluateMapping(compiled, message.input, {
      timeoutMs: message.timeoutMs,
      maxDepth: message.maxDepth,
      bindings: message.bindings,
    });
    const json = JSON.stringify(envelope);
    if (json.length > message.maxResultChars) {
      const mib = (n: number) => (n / 1048576).toFixed(1);
      throw new MappingOutOfMemoryError(
        `the mapping's result is ${mib(json.length)} MiB of JSON, more than the ${mib(message.maxResultChars)} MiB a mapping may return; check for a very large range, $pad or repeated copies of the payload`,
      );
    }
    send({ type: 'evaluated', id });
    return { type: 'result', id, envelope: json, records: countEnvelopeRecords(envelope) };
  } catch (error) {
    if (error instanceof MappingError) return { type: 'mapping-error', id, error: mappingErrorData(error) };
    return { type: 'internal-error', id, message: error instanceof Error ? error.message : String(error) };
  }
}

process.on('message', (message: EvaluateMessage) => {
  send({ type: 'started', id: message.id });
  void evaluate(message).then(send);
});
// The parent is gone (it exited or closed the sandbox): nothing left to do.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
