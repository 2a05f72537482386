import { setMaxListeners } from 'node:events';
import { type Server } from 'node:http';
import { numberOption, UsageError } from '@txng/common/process/command-line';
import {
  ALL_SOURCES,
  API_KEY_VARIABLE,
  CALLBACK_PATH,
  CALLBACK_SECRET_VARIABLE,
  CALLBACK_SOURCE,
  POLL_SOURCE,
  secretVariable,
  WEBHOOK_SOURCES,
} from '@txng/simulators';
import { type RunningCallbackReceiver, startCallbackReceiver } from './callback-receiver';
import { CaMauFeed } from './feeds/ca-mau';
import { CanThoFeed } from './feeds/can-tho';
import { CaoBangFeed } from './feeds/cao-bang';
import { type WebhookFeed } from './feeds/feed';
import { TayNinhRecords } from './feeds/tay-ninh';
import { VinhLongFeed } from './feeds/vinh-long';
import { startPollServer } from './poll-server';
import { Rng } from './rng';
import { Milestones, sleep, WebhookPusher } from './webhook-pusher';

export interface SimOptions {
  hubUrl: string;
  seed: number;
  rate: number;
  durationSeconds: number;
  only: string[];
  pollHost: string;
  pollPort: number;
  /** Where Cần Thơ listens for the hub's signed callbacks; null: it does not listen. */
  callbackPort: number | null;
  pageSize: number;
  reportEverySeconds: number;
}

const USAGE = `Usage: province-sim [--hub URL] [--seed N] [--rate R] [--duration S] [--only key,key]
                    [--poll-port P] [--callback-port P] [--page-size N] [--report-every S]
  --hub           the hub's base URL (default http://127.0.0.1:3000)
  --seed          the same seed makes the same federation (default 2025)
  --rate          deliveries per second per province (default 0.5)
  --duration      seconds of sending, then idle with the poll API still up; 0 = until stopped (default 0)
  --only          comma-separated source keys (default all five)
  --poll-port     Tây Ninh's records API port (default 4201)
  --callback-port Cần Thơ receives the hub's signed callbacks at http://127.0.0.1:P${CALLBACK_PATH},
                  verifies them and prints what became of its records (default: it does not listen)
Secrets come from the environment: ${secretVariable('<source-key>')} (whsec_…) per webhook source,
${API_KEY_VARIABLE} for the records API, ${CALLBACK_SECRET_VARIABLE} (whsec_…) for the callbacks.
They are never printed.`;

export function parseArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SimOptions {
  const options: SimOptions = {
    hubUrl: env.PROVINCE_SIM_HUB_URL ?? 'http://127.0.0.1:3000',
    seed: 2025,
    rate: 0.5,
    durationSeconds: 0,
    only: [...ALL_SOURCES],
    pollHost: '127.0.0.1',
    pollPort: 4201,
    callbackPort: null,
    pageSize: 20,
    reportEverySeconds: 30,
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--hub':
        options.hubUrl = (value() ?? '').replace(/\/+$/, '');
        break;
      case '--seed':
        options.seed = Math.trunc(numberOption(flag, value(), 0, 2 ** 31));
        break;
      case '--rate':
        options.rate = numberOption(flag, value(), 0.01, 100);
        break;
      case '--duration':
        options.durationSeconds = numberOption(flag, value(), 0, 7 * 86_400);
        break;
      case '--only': {
        const keys = (value() ?? '').split(',').filter(Boolean);
        const unknown = keys.filter((k) => !(ALL_SOURCES as readonly string[]).includes(k));
        if (keys.length === 0 || unknown.length > 0)
          throw new UsageError(`--only takes source keys among ${ALL_SOURCES.join(', ')}`);
        options.only = keys;
        break;
      }
      case '--poll-port':
        options.pollPort = Math.trunc(numberOption(flag, value(), 0, 65535));
        break;
      case '--callback-port':
        options.callbackPort = Math.trunc(numberOption(flag, value(), 0, 65535));
        break;
      case '--page-size':
        options.pageSize = Math.trunc(numberOption(flag, value(), 1, 1000));
        break;
      case '--report-every':
        options.reportEverySeconds = numberOption(flag, value(), 1, 3600);
        break;
      case '--help':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${args[i]}`);
    }
  }
  if (!/^https?:\/\/[^/]+/.test(options.hubUrl)) throw new UsageError(`--hub must be an http(s) URL`);
  if (options.callbackPort !== null && !options.only.includes(CALLBACK_SOURCE))
    throw new UsageError(`--callback-port is ${CALLBACK_SOURCE}'s: add it to --only`);
  return options;
}

export function feedFor(sourceKey: string, rng: Rng): WebhookFeed {
  const r = rng.fork(sourceKey);
  switch (sourceKey) {
    case 'can-tho-nong-san':
      return new CanThoFeed(r);
    case 'vinh-long-tra-vinh':
      return new VinhLongFeed(r);
    case 'ca-mau-tom':
      return new CaMauFeed(r);
    case 'cao-bang-csv':
      return new CaoBangFeed(r);
    default:
      throw new Error(`no webhook feed for ${sourceKey}`);
  }
}

const say = (line: string): void => void process.stdout.write(`province-sim: ${line}\n`);

/** How the simulated systems name their province in what they print. */
const PROVINCE_NAMES: Record<string, string> = { [CALLBACK_SOURCE]: 'Cần Thơ' };

/** Runs the provincial systems until SIGTERM/SIGINT; exits 0 then. */
export async function main(...args: string[]): Promise<void> {
  let options: SimOptions;
  try {
    options = parseArgs(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `province-sim: ${error.message}\n` : ''}${USAGE}\n`);
      process.exit(2);
    }
    throw error;
  }
  const missing = [
    ...options.only.map((k) => (k === POLL_SOURCE ? API_KEY_VARIABLE : secretVariable(k))),
    ...(options.callbackPort === null ? [] : [CALLBACK_SECRET_VARIABLE]),
  ].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    process.stderr.write(`province-sim: missing environment variable(s) ${missing.join(', ')}\n`);
    process.exit(78);
  }

  const stop = new AbortController(); // everything
  const sending = new AbortController(); // only the pushing (ends with --duration)
  const sendSignal = AbortSignal.any([stop.signal, sending.signal]);
  // Each pusher's fetches and sleeps listen on it; more than Node's default warning threshold of 10.
  setMaxListeners(0, sendSignal, stop.signal, sending.signal);
  const rng = new Rng(options.seed);
  const milestones = new Milestones();
  const pushers = WEBHOOK_SOURCES.filter((k) => options.only.includes(k)).map(
    (key) =>
      new WebhookPusher(feedFor(key, rng), {
        hubUrl: options.hubUrl,
        seed: options.seed,
        secret: process.env[secretVariable(key)] as string,
        rate: options.rate,
        milestones,
        log: say,
        signal: sendSignal,
      }),
  );

  let server: Server | null = null;
  let records: TayNinhRecords | null = null;
  if (options.only.includes(POLL_SOURCE)) {
    records = new TayNinhRecords(rng.fork(POLL_SOURCE));
    for (let i = 0; i < 8; i++) records.add();
    server = await startPollServer({
      host: options.pollHost,
      port: options.pollPort,
      apiKey: process.env[API_KEY_VARIABLE] as string,
      pageSize: options.pageSize,
      records,
      log: say,
    });
  }

  let callbacks: RunningCallbackReceiver | null = null;
  if (options.callbackPort !== null) {
    callbacks = await startCallbackReceiver({
      host: options.pollHost,
      port: options.callbackPort,
      path: CALLBACK_PATH,
      secret: process.env[CALLBACK_SECRET_VARIABLE] as string,
      province: PROVINCE_NAMES[CALLBACK_SOURCE],
      log: say,
    });
  }

  const report = (): void => {
    const parts = pushers.map(
      (p, i) =>
        `${WEBHOOK_SOURCES.filter((k) => options.only.includes(k))[i]} ${p.stats.accepted}/${p.stats.sent} accepted` +
        (p.stats.replayed ? ` (${p.stats.replayed} replayed)` : '') +
        (p.stats.failed ? `, ${p.stats.failed} refused` : ''),
    );
    if (records) parts.push(`${POLL_SOURCE} ${records.items.length} records served`);
    if (callbacks) {
      const { verified, refused, repeated } = callbacks.stats;
      const told = Object.values(verified).reduce((a, b) => a + b, 0);
      parts.push(
        `${CALLBACK_SOURCE} ${told} callbacks verified` +
          (repeated ? ` (${repeated} repeated)` : '') +
          (refused ? `, ${refused} refused` : ''),
      );
    }
    say(parts.join('; '));
  };

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    stop.abort();
    report();
    const done = (): void => process.exit(0);
    void callbacks?.close();
    if (server) server.close(done);
    else done();
    setTimeout(done, 5000).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  say(
    `seed ${options.seed}, ${options.rate} deliveries/s per province` +
      (options.durationSeconds ? ` for ${options.durationSeconds} s` : '') +
      `; pushing to ${options.hubUrl}` +
      (server ? `; Tây Ninh records API on http://${options.pollHost}:${options.pollPort}/api/records` : '') +
      (callbacks ? `; ${PROVINCE_NAMES[CALLBACK_SOURCE]} receives its callbacks on ${callbacks.url}` : ''),
  );
  const reporter = setInterval(report, options.reportEverySeconds * 1000);
  reporter.unref();
  if (options.durationSeconds > 0) setTimeout(() => sending.abort(), options.durationSeconds * 1000).unref();

  const growth = (async () => {
    if (!records) return;
    while (!sendSignal.aborted) {
      await sleep(1000 / options.rate, sendSignal);
      if (!sendSignal.aborted) records.add();
    }
  })();
  await Promise.all([...pushers.map((p) => p.run()), growth]);
  if (!stop.signal.aborted) {
    clearInterval(reporter);
    say(
      'sending finished; every delivery was answered' +
        (server ? ', the records API stays up' : '') +
        (callbacks ? ', callbacks are still received' : ''),
    );
    report();
  }
}
