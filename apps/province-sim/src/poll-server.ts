import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type TayNinhRecords } from './feeds/tay-ninh';

export interface PollServerOptions {
  host: string;
  port: number;
  apiKey: string;
  pageSize: number;
  records: TayNinhRecords;
  log: (line: string) => void;
}

const encodeCursor = (after: number): string => Buffer.from(JSON.stringify({ after })).toString('base64url');
function decodeCursor(cursor: string): number | null {
  try {
    const after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown })
      .after;
    return typeof after === 'number' && Number.isInteger(after) && after >= 0 ? after : null;
  } catch {
    return null;
  }
}

const sameKey = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Tây Ninh's records API as the hub polls it: `GET /api/records?cursor=…` with header X-API-Key,
 * answering `{"data":[…],"next":"<cursor>"|null}` (cursor pagination; `next` is null on the last
 * page). Pages are read from the append-only list, so the hub's re-read of its last page finds what
 * was appended since.
 */
export function startPollServer(options: PollServerOptions): Promise<Server> {
  let served = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/api/records') return send(404, { error: 'not_found' });
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !sameKey(key, options.apiKey))
      return send(401, { error: 'unauthorized', message: 'X-API-Key is missing or wrong' });
    const cursor = url.searchParams.get('cursor');
    const after = cursor ? decodeCursor(cursor) : 0;
    if (after === null) return send(400, { error: 'bad_cursor', message: 'cursor is not one this API gave' });
    const items = options.records.items;
    const page = items.slice(after, after + options.pageSize);
    const end = after + page.length;
    served++;
    if (served === 1)
      options.log(`tay-ninh-long-an: the hub polled for the first time (${items.length} records held)`);
    send(200, { data: page, next: end < items.length ? encodeCursor(end) : null });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
