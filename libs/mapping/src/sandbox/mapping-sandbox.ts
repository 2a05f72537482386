import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Envelope } from '@txng/national-model';
import {
  type MappingError,
  MappingOutOfMemoryError,
  MappingTimeoutError,
  MappingUnavailableError,
} from '../errors/mapping.errors';
import { WALL_CEILING_FACTOR } from '../engine/evaluate-mapping';
import { processCpuMs } from './process-cpu';
import { type EvaluateMessage, mappingErrorFrom, type SandboxMessage } from './sandbox-messages';

export interface SandboxOptions {
  /** Sandbox processes at most; each runs one evaluation at a time. */
  processes?: number;
  /** Evaluations waiting for a process at most; one more is refused with MAPPING_BUSY. */
  maxQueue?: number;
  /** V8 heap limit of each process (`--max-old-space-size`). */
  memoryMb?: number;
  /** Largest envelope a mapping may return, in characters of its JSON text. */
  maxResultChars?: number;
  /**
   * How long past its time limit an evaluation may run before its process is killed. The process
   * stops interruptible loops itself at the limit (with a cleaner error and no restart); the kill
   * is for a built-in call that never returns to the evaluator.
   */
  killGraceMs?: number;
  /** Script the processes run (tests); by default the one beside this module (see `defaultEntry`). */
  entry?: string;
}

export interface SandboxTask {
  expression: string;
  input: unknown;
  bindings?: Record<string, unknown>;
  timeoutMs: number;
  maxDepth: number;
  /**
   * Longest wait for a busy process to become free; past it the evaluation fails with MAPPING_BUSY.
   * A process that is still starting extends the wait. Unbounded (only the queue limit) if unset.
   */
  maxWaitMs?: number;
}

export const SANDBOX_DEFAULTS = {
  processes: Math.min(2, availableParallelism()),
  maxQueue: 64,
  memoryMb: 512,
  maxResultChars: 64 * 1048576,
  killGraceMs: 100,
} as const;

/** An evaluation's envelope as the JSON text the sandbox process wrote, and its record count. */
export interface MappedText {
  json: string;
  records: number;
}

interface Pending {
  task: SandboxTask;
  resolve: (mapped: MappedText) => void;
  reject: (error: Error) => void;
  waitTimer?: NodeJS.Timeout;
}

interface Running extends Pending {
  id: number;
  /** Armed when the process says it has the input (`started`), cleared when it has evaluated. */
  timer?: NodeJS.Timeout;
  /** When the process said `started`, by the clock and in its CPU milliseconds (null: unknown). */
  startedAt?: number;
  cpuAtStart?: number | null;
}

interface Sandboxed {
  proc: ChildProcess;
  ready: boolean;
  running?: Running;
  /** The end of the process's stderr, to tell a heap exhaustion from other deaths. */
  stderr: string;
}

/**
 * The script a sandbox process runs. Built apps (webpack, docs/adr/0002) carry it as an entry of its
 * own, emitted beside main.js; from the TypeScript sources (Jest, benchmarks) a JS shim compiles the
 * .ts entry on load, because a child process does not go through Jest's transform.
 */
export function defaultEntry(): string {
  return __filename.endsWith('.ts')
    ? join(__dirname, 'mapping-sandbox.register.js')
    : join(__dirname, 'mapping-sandbox.js');
}

/**
 * Runs mappings in a few child processes, so that no mapping can stall or crash the process that
 * asked (docs/adr/0004). A process evaluates one mapping at a time; evaluations wait in a bounded
 * queue (full: MAPPING_BUSY at once, never unbounded memory). A process is killed when its
 * evaluation runs past the time limit (MAPPING_TIMEOUT: a `$match` that backtracks, a huge range or
 * `$pad` never return to the evaluator's own time checks) and dies by itself past its heap limit
 * (MAPPING_OUT_OF_MEMORY); a new one is started when there is work. The time limit counts from the
 * moment a process has the evaluation's input until it has evaluated: not the wait in the queue,
 * nor the transfer of a large body or result over the channel.
 *
 * Processes hold the parent's event loop open only while they have work, get no environment
 * variables (no secret reaches them) and exit when the parent goes away.
 */
export class MappingSandbox {
  private readonly options: Required<SandboxOptions>;
  private readonly processes = new Set<Sandboxed>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: SandboxOptions = {}) {
    this.options = { ...SANDBOX_DEFAULTS, entry: defaultEntry(), ...options };
  }

  async evaluate(task: SandboxTask): Promise<Envelope> {
    const mapped = await this.evaluateText(task);
    return JSON.parse(mapped.json) as Envelope;
  }

  /**
   * `evaluate`, answering the envelope as the JSON text the process wrote, with its record count:
   * for a caller that stores or forwards the envelope (webhook intake) rather than reads it.
   */
  evaluateText(task: SandboxTask): Promise<MappedText> {
    if (this.closed)
      return Promise.reject(
        new MappingUnavailableError('MAPPING_UNAVAILABLE', 'the mapping sandbox is closed'),
      );
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new MappingUnavailableError(
          'MAPPING_BUSY',
          `${this.queue.length} mappings are already waiting to run; try again shortly`,
        ),
      );
    }
    return new Promise<MappedText>((resolve, reject) => {
      const pending: Pending = { task, resolve, reject };
      if (task.maxWaitMs !== undefined) {
        const maxWaitMs = task.maxWaitMs;
        const giveUp = () => {
          const at = this.queue.indexOf(pending);
          if (at < 0) return;
          // A process still starting is not saturation: wait for it (a start that fails ends
          // the wait with MAPPING_UNAVAILABLE).
          if ([...this.processes].some((p) => !p.ready)) {
            pending.waitTimer = setTimeout(giveUp, maxWaitMs);
            return;
          }
          this.queue.splice(at, 1);
          reject(
            new MappingUnavailableError(
              'MAPPING_BUSY',
              `no mapping process was free within ${maxWaitMs} ms; try again shortly`,
            ),
          );
        };
        pending.waitTimer = setTimeout(giveUp, maxWaitMs);
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  /** Processes alive, evaluations running and waiting (tests, metrics). */
  stats(): { processes: number; running: number; queued: number; pids: number[] } {
    const all = [...this.processes];
    return {
      processes: all.length,
      running: all.filter((p) => p.running).length,
      queued: this.queue.length,
      pids: all.flatMap((p) => (p.proc.pid === undefined ? [] : [p.proc.pid])),
    };
  }

  /** Ends every process; evaluations still waiting or running fail with MAPPING_UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new MappingUnavailableError('MAPPING_UNAVAILABLE', 'the mapping sandbox was closed');
    for (const pending of this.queue.splice(0)) {
      clearTimeout(pending.waitTimer);
      pending.reject(closing);
    }
    await Promise.all(
      [...this.processes].map(async (p) => {
        this.retire(p)?.reject(closing);
        if (p.proc.exitCode === null && p.proc.signalCode === null) {
          const exited = new Promise((done) => p.proc.once('exit', done));
          p.proc.kill('SIGKILL');
          await exited;
        }
      }),
    );
  }

  /** Hands waiting evaluations to idle processes, starting processes while there are fewer than allowed. */
  private pump(): void {
    while (this.queue.length > 0) {
      const idle = [...this.processes].find((p) => p.ready && !p.running);
      if (idle) {
        this.dispatch(idle, this.queue.shift()!);
        continue;
      }
      const starting = [...this.processes].filter((p) => !p.ready).length;
      if (this.processes.size < this.options.processes && starting < this.queue.length) {
        this.start();
        continue;
      }
      return;
    }
  }

  private dispatch(p: Sandboxed, pending: Pending): void {
    const id = this.nextId++;
    const { task } = pending;
    clearTimeout(pending.waitTimer);
    p.running = { ...pending, id };
    p.proc.channel?.ref();
    const message: EvaluateMessage = {
      id,
      expression: task.expression,
      input: task.input,
      bindings: task.bindings,
      timeoutMs: task.timeoutMs,
      maxDepth: task.maxDepth,
      maxResultChars: this.options.maxResultChars,
    };
    p.proc.send(message, (error) => {
      if (error) this.died(p, `could not hand it the mapping (${error.message})`);
    });
  }

  private start(): void {
    const proc = fork(this.options.entry, [], {
      // JSON over the channel: the payloads are parsed JSON, XML or CSV (JSON-safe), and V8's
      // structured serialisation measured several times slower for them.
      serialization: 'json',
      execArgv: [`--max-old-space-size=${this.options.memoryMb}`],
      // No environment: nothing of the hub's configuration (database URL, secrets) reaches code
      // that runs operators' expressions. TZ keeps dates the same as in the parent.
      env: process.env.TZ === undefined ? {} : { TZ: process.env.TZ },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const p: Sandboxed = { proc, ready: false, stderr: '' };
    this.processes.add(p);
    proc.unref();
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      p.stderr = (p.stderr + chunk).slice(-4096);
    });
    (proc.stderr as { unref?: () => void } | null)?.unref?.();
    proc.on('message', (message: SandboxMessage) => this.receive(p, message));
    proc.on('error', (error) => this.died(p, error.message));
    proc.on('exit', (code, signal) => this.died(p, `exited with ${signal ?? `code ${code}`}`, signal, code));
  }

  private receive(p: Sandboxed, message: SandboxMessage): void {
    if (message.type === 'ready') {
      p.ready = true;
      this.idle(p);
      return;
    }
    const running = p.running;
    if (!running || running.id !== message.id) return;
    clearTimeout(running.timer);
    if (message.type === 'started') {
      running.startedAt = Date.now();
      running.cpuAtStart = processCpuMs(p.proc.pid);
      running.timer = setTimeout(() => this.overtime(p), running.task.timeoutMs + this.options.killGraceMs);
      return;
    }
    if (message.type === 'evaluated') return;
    p.running = undefined;
    if (message.type === 'result') {
      running.resolve({ json: message.envelope, records: message.records });
    } else if (message.type === 'mapping-error') {
      running.reject(mappingErrorFrom(message.error));
    } else {
      running.reject(new Error(`the mapping sandbox failed: ${message.message}`));
    }
    this.idle(p);
  }

  /** A process without work no longer holds the parent's event loop open. */
  private idle(p: Sandboxed): void {
    this.pump();
    if (!p.running) p.proc.channel?.unref();
  }

  /**
   * The evaluation ran past its time limit by the clock without returning. The limit is CPU time
   * (as in the process itself): on a loaded machine the process may have had little of the
   * processor, so the timer is set again for the CPU budget left, up to WALL_CEILING_FACTOR times
   * the budget by the clock. Past that, or where the process's CPU cannot be read, it is a built-in
   * call that never yields, and the process is killed.
   */
  private overtime(p: Sandboxed): void {
    const current = p.running;
    if (current?.startedAt !== undefined && current.cpuAtStart != null) {
      const cpu = processCpuMs(p.proc.pid);
      const budget = current.task.timeoutMs + this.options.killGraceMs;
      const used = cpu === null ? null : cpu - current.cpuAtStart;
      const wall = Date.now() - current.startedAt;
      if (used !== null && used < budget && wall < current.task.timeoutMs * WALL_CEILING_FACTOR) {
        current.timer = setTimeout(() => this.overtime(p), Math.max(20, budget - used));
        return;
      }
    }
    const running = this.retire(p);
    p.proc.kill('SIGKILL');
    running?.reject(
      new MappingTimeoutError(
        `the mapping ran longer than ${running.task.timeoutMs} ms and was stopped; check for a very large range or $pad, or a regular expression that backtracks (nested repetition such as (a+)+)`,
      ),
    );
    this.pump();
  }

  private died(p: Sandboxed, why: string, signal?: NodeJS.Signals | null, code?: number | null): void {
    if (!this.processes.has(p)) return;
    const wasReady = p.ready;
    const running = this.retire(p);
    if (running) running.reject(this.deathCause(p, why, signal, code));
    if (!wasReady && !this.closed) {
      // It never started: retrying at once would only fail again in a loop, so the evaluations
      // waiting fail now and the next evaluation tries again.
      const error = new MappingUnavailableError(
        'MAPPING_UNAVAILABLE',
        `the mapping sandbox process could not start (${why}): ${p.stderr.trim().slice(-500) || 'no output'}`,
      );
      for (const pending of this.queue.splice(0)) {
        clearTimeout(pending.waitTimer);
        pending.reject(error);
      }
    }
    this.pump();
  }

  private deathCause(
    p: Sandboxed,
    why: string,
    signal?: NodeJS.Signals | null,
    code?: number | null,
  ): MappingError | MappingUnavailableError {
    // V8 aborts a process past its heap limit ("Reached heap limit … JavaScript heap out of
    // memory", SIGABRT); the kernel's OOM killer sends SIGKILL.
    if (
      /heap out of memory|allocation failed/i.test(p.stderr) ||
      signal === 'SIGABRT' ||
      signal === 'SIGKILL' ||
      code === 134
    ) {
      return new MappingOutOfMemoryError(
        `the mapping needed more than ${this.options.memoryMb} MiB of memory and was stopped; check for a very large range, $pad or $split, or repeated copies of a large list`,
      );
    }
    return new MappingUnavailableError('MAPPING_UNAVAILABLE', `a mapping sandbox process ${why}; try again`);
  }

  /** Takes a process out of service; returns the evaluation it was running, if any. */
  private retire(p: Sandboxed): Running | undefined {
    this.processes.delete(p);
    const running = p.running;
    p.running = undefined;
    if (running) clearTimeout(running.timer);
    p.proc.channel?.unref();
    return running;
  }
}

let shared: MappingSandbox | undefined;

/** The process-wide sandbox every mapping of this process runs in (started on first use). */
export function mappingSandbox(): MappingSandbox {
  shared ??= new MappingSandbox();
  return shared;
}

/** Ends the process-wide sandbox's processes (graceful shutdown, tests); the next use starts anew. */
export async function closeMappingSandbox(): Promise<void> {
  const closing = shared;
  shared = undefined;
  await closing?.close();
}
