import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { type CallbackBody, describeCallback } from './callback-report';

export interface CallbackReceiverOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** Where the hub posts, e.g. /txng/callbacks (the path of the source's callback URL). */
  path: string;
  /** The callback secret the hub showed when the callback was set or its secret rotated (whsec_…). */
  secret: string;
  /** The province's name, to begin each line with. */
  province: string;
  log: (line: string) => void;
}

export interface CallbackStats {
  /** Verified deliveries reported, by event type. */
  verified: Record<string, number>;
  /** Deliveries refused: signature, timestamp or headers wrong. */
  refused: number;
  /** Verified deliveries of a webhook-id already handled (the hub retried or an operator redelivered). */
  repeated: number;
}

export interface RunningCallbackReceiver {
  server: Server;
  /** The URL to give the hub as the source's callback URL. */
  url: string;
  stats: CallbackStats;
  close(): Promise<void>;
}

/** Larger than any receipt the hub sends about one delivery of this simulator. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Webhook-ids remembered to answer a repeat without reporting it twice (oldest forgotten first). */
const REMEMBERED_IDS = 10_000;

/**
 * A provincial system's endpoint for the hub's signed callbacks (Standard Webhooks). Each POST is
 * verified with the `standardwebhooks` package's Webhook.verify under the source's callback secret
 * before anything in it is believed: a wrong or missing signature, or a timestamp more than five
 * minutes off, is answered 401 and logged as refused. A verified one is answered 204 and told as one
 * line (callback-report.ts); a repeat of a webhook-id already handled is answered 204 and not told
 * again, as a receiver must when the sender retries.
 */
export function startCallbackReceiver(options: CallbackReceiverOptions): Promise<RunningCallbackReceiver> {
  const webhook = new Webhook(options.secret);
  const stats: CallbackStats = { verified: {}, refused: 0, repeated: 0 };
  const handled = new Set<string>();
  const warnings = new Set<string>();

  const server = createServer((req, res) => {
    const answer = (status: number, body?: unknown): void => {
      if (body === undefined) res.writeHead(status).end();
      else
        res
          .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== options.path) return answer(404, { error: 'not_found' });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return answer(405, { error: 'method_not_allowed' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooLarge) return answer(413, { error: 'too_large', message: `over ${MAX_BODY_BYTES} bytes` });
      const raw = Buffer.concat(chunks);
      let body: CallbackBody;
      try {
        body = webhook.verify(raw, headerRecord(req.headers)) as CallbackBody;
      } catch (error) {
        stats.refused++;
        const reason = error instanceof SyntaxError ? 'signed, but not JSON' : (error as Error).message;
        options.log(
          `${options.province}: refused a callback that did not verify (${reason}; webhook-id ${String(req.headers['webhook-id'] ?? 'none').slice(0, 80)})`,
        );
        return answer(401, { error: 'signature', message: reason });
      }
      if (body === undefined || body === null || typeof body !== 'object' || typeof body.type !== 'string')
        return answer(400, { error: 'body', message: 'expected {"type","timestamp","data"}' });
      const id = String(req.headers['webhook-id']);
      if (handled.has(id)) {
        stats.repeated++;
        return answer(204);
      }
      remember(handled, id);
      stats.verified[body.type] = (stats.verified[body.type] ?? 0) + 1;
      options.log(describeCallback(options.province, body, warnings));
      answer(204);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${options.host}:${port}${options.path}`,
        stats,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function remember(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size > REMEMBERED_IDS) ids.delete(ids.values().next().value as string);
}

function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
  );
}
