import { timingSafeEqual } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { HUB_CONFIG, type HubConfig, REDIS_CLIENT } from '@txng/common';
import type Redis from 'ioredis';
import { ApiTokensService, AuditService, type Principal } from '@txng/persistence';
import { ALL_QUEUES, type QueueName, QueueStatsService } from '@txng/queues';
import { type NextFunction, type Request, type Response } from 'express';
import {
  BOARD_COOKIE,
  BOARD_PATH,
  type BoardSession,
  isLiveBoardSession,
  readCookie,
  tokenBinding,
  tokenHash,
  verifyBoardSession,
} from './board-session';

type BoardAuth = { ok: true; who: Principal } | { ok: false; status: 401 | 403; message: string };

/**
 * bull-board at /admin/queues/board, for operators and admins only. It accepts the session cookie
 * (POST /v1/admin/session) or a Bearer token; the cookie is accepted here and nowhere else.
 */
export function mountBullBoard(app: INestApplication): void {
  const stats = app.get(QueueStatsService);
  const tokens = app.get(ApiTokensService);
  const config = app.get<HubConfig>(HUB_CONFIG);
  const redis = app.get<Redis>(REDIS_CLIENT);

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullMQAdapter(stats.queue(name))),
    // The nested @bull-board/api of @bull-board/express may differ by a patch version in its types.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'txng-hub' } },
  });

  const authenticate = async (req: Request): Promise<BoardAuth> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    let who: Principal | null = null;
    if (bearer) {
      who = await tokens.authenticate(bearer[1]);
    } else {
      const cookie = readCookie(req.headers.cookie, BOARD_COOKIE);
      const session = cookie ? verifyBoardSession(config.secretKey, cookie) : null;
      if (session && (await isLiveBoardSession(redis, session))) {
        who = await stillValid(session, config, tokens);
      }
    }
    if (!who) {
      return {
        ok: false,
        status: 401,
        message: 'Sign in at /admin and open the queue board from the Queues page (or send a Bearer token).',
      };
    }
    if (who.role === 'viewer') {
      return {
        ok: false,
        status: 403,
        message: `The queue board needs the operator role; "${who.name}" has viewer.`,
      };
    }
    return { ok: true, who };
  };

  const router = serverAdapter.getRouter() as (req: Request, res: Response, next: NextFunction) => void;
  const audit = app.get(AuditService);
  app.use(BOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    authenticate(req)
      .then(async (auth) => {
        if (auth.ok) {
          if (READ_METHODS.has(req.method)) return router(req, res, next);
          const refusal = refuseChange(req) ?? (await refuseDrop(req.path, stats));
          if (refusal) {
            res.status(403).json({ error: 'forbidden', message: refusal, details: [] });
            return;
          }
          // Audited before it runs (docs/security.md): a change the log cannot record is not made.
          const action = boardAction(req.path)!;
          await audit.record({
            actor: auth.who.actor,
            action: `queue-board.${action.verb}`,
            target: action.queue,
            details: { method: req.method, path: req.path },
          });
          return router(req, res, next);
        }
        if (auth.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
        res.status(auth.status).json({
          error: auth.status === 401 ? 'unauthorized' : 'forbidden',
          message: auth.message,
          details: [],
        });
      })
      // A failed authentication or audit write (the handler is async now) goes to the error filter.
      .catch((error: unknown) => next(error));
  });
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The board's changes an operator may make: retry, clean (completed and failed jobs only, see
 * refuseDrop) and promote jobs, pause and resume queues (all PUT). Adding jobs, editing their data, priority or delay, emptying or obliterating a queue,
 * changing concurrency, rate limits or schedulers would be a second way to change the pipeline's
 * state, outside the operator API and its rules (ADR 0003): refused for every role.
 */
function boardAction(path: string): { verb: string; queue: string } | null {
  const all = /^\/api\/queues\/(pause|resume)$/.exec(path);
  if (all) return { verb: all[1], queue: '*' };
  const queue = /^\/api\/queues\/([^/]+)\/(pause|resume|promote)$/.exec(path);
  if (queue) return { verb: queue[2], queue: decodeURIComponent(queue[1]) };
  const status = /^\/api\/queues\/([^/]+)\/(retry|clean)\/[a-z]+$/.exec(path);
  if (status) return { verb: `${status[2]}-all`, queue: decodeURIComponent(status[1]) };
  const job = /^\/api\/queues\/([^/]+)\/[^/]+\/(retry|clean|promote)$/.exec(path);
  if (job) return { verb: `${job[2]}-job`, queue: decodeURIComponent(job[1]) };
  return null;
}

/** Job states whose jobs may be cleaned: their work is done, or (failed) the hub re-queues it itself. */
const CLEANABLE = new Set(['completed', 'failed']);

/**
 * Why a clean is refused, or null. Cleaning removes jobs; a waiting, delayed, active or paused job
 * is work not yet done (an acknowledged receipt, a held-back one waiting for the prefix registry),
 * so only finished jobs may go: completed ones, and failed ones (docs/pipeline.md, "What is rebuilt
 * from PostgreSQL": a receipt whose job failed or vanished is queued again by the sweeper).
 */
async function refuseDrop(path: string, stats: QueueStatsService): Promise<string | null> {
  const message = (what: string) =>
    `Only completed and failed jobs may be cleaned; ${what} is work not yet done (pause the queue instead).`;
  const all = /^\/api\/queues\/([^/]+)\/clean\/([a-z-]+)$/.exec(path);
  if (all) return CLEANABLE.has(all[2]) ? null : message(`"${all[2]}"`);
  const one = /^\/api\/queues\/([^/]+)\/([^/]+)\/clean$/.exec(path);
  if (!one) return null;
  const queue = decodeURIComponent(one[1]);
  if (!(ALL_QUEUES as readonly string[]).includes(queue)) return null;
  const state = await stats.queue(queue as QueueName).getJobState(decodeURIComponent(one[2]));
  // A job that is not there any more has nothing to lose; bull-board answers 404 for it.
  return state === 'unknown' || CLEANABLE.has(state) ? null : message(`a job that is ${state}`);
}

/**
 * Why a change is refused, or null. Besides the allow-list: a change must come from the hub's own
 * pages. The cookie is SameSite=Strict and the board's changes are PUTs (a cross-origin PUT needs a
 * CORS preflight the hub never grants); refusing a cross-site Origin or Sec-Fetch-Site as well
 * covers same-site sibling hosts and browsers without SameSite.
 */
function refuseChange(req: Request): string | null {
  if (req.method !== 'PUT' || !boardAction(req.path)) {
    return 'The queue board only retries, cleans and promotes jobs and pauses or resumes queues; use the operator API (/v1/admin) for anything else.';
  }
  // Sec-Fetch-Site is the browser's own word and survives a proxy that rewrites Host; browsers
  // without it are judged by Origin against Host.
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  const crossSite =
    site !== undefined ? site !== 'same-origin' : origin !== undefined && !sameHost(origin, req.headers.host);
  if (crossSite) {
    return "A change to the queues must come from the hub's own pages (cross-site request refused).";
  }
  return null;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The token behind a session may have been revoked, or (HUB_ADMIN_TOKEN) replaced, since the cookie
 * was issued: the session lives only while the token it is bound to does.
 */
async function stillValid(
  session: BoardSession,
  config: HubConfig,
  tokens: ApiTokensService,
): Promise<Principal | null> {
  const { actor } = session;
  const boundTo = (hashHex: string): boolean => {
    const expected = Buffer.from(tokenBinding(config.secretKey, hashHex));
    const given = Buffer.from(session.bind);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  if (actor === 'bootstrap-admin') {
    return config.adminToken && boundTo(tokenHash(config.adminToken))
      ? { actor, name: 'HUB_ADMIN_TOKEN', role: 'admin', provinces: null }
      : null;
  }
  const id = /^token:([0-9a-f-]{36})$/.exec(actor)?.[1];
  if (!id) return null;
  // The board shows every province's jobs: a province-scoped token never holds a session for it.
  const token = await tokens.liveNationalToken(id);
  return token && boundTo(token.tokenHash)
    ? { actor, name: token.name, role: token.role, provinces: null }
    : null;
}
