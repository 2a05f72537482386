import { type INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { ApiTokensService, type Principal } from '@txng/persistence';
import { ALL_QUEUES, QueueStatsService } from '@txng/queues';
import { type NextFunction, type Request, type Response } from 'express';
import { DataSource } from 'typeorm';
import { BOARD_COOKIE, BOARD_PATH, readCookie, verifyBoardSession } from './board-session';
import { setUiSecurityHeaders } from './security-headers';

type BoardAuth = { ok: true; who: Principal } | { ok: false; status: 401 | 403; message: string };

/**
 * bull-board at /admin/queues/board, for operators and admins only. It accepts the session cookie
 * (POST /v1/admin/session) or a Bearer token; the cookie is accepted here and nowhere else.
 */
export function mountBullBoard(app: INestApplication): void {
  const stats = app.get(QueueStatsService);
  const tokens = app.get(ApiTokensService);
  const config = app.get<HubConfig>(HUB_CONFIG);
  const dataSource = app.get(DataSource);

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
      if (session) who = await stillValid(session.actor, config, dataSource);
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
  app.use(BOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    setUiSecurityHeaders(res, { allowInline: true });
    res.setHeader('Cache-Control', 'no-store');
    authenticate(req).then(
      (auth) => {
        if (auth.ok) return router(req, res, next);
        if (auth.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
        res
          .status(auth.status)
          .json({
            error: auth.status === 401 ? 'unauthorized' : 'forbidden',
            message: auth.message,
            details: [],
          });
      },
      (error: unknown) => next(error),
    );
  });
}

/** The token behind a session may have been revoked since the cookie was issued. */
async function stillValid(
  actor: string,
  config: HubConfig,
  dataSource: DataSource,
): Promise<Principal | null> {
  if (actor === 'bootstrap-admin') {
    return config.adminToken ? { actor, name: 'HUB_ADMIN_TOKEN', role: 'admin' } : null;
  }
  const id = /^token:([0-9a-f-]{36})$/.exec(actor)?.[1];
  if (!id) return null;
  const rows: Array<{ name: string; role: Principal['role'] }> = await dataSource.query(
    'SELECT name, role FROM api_token WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  return rows[0] ? { actor, name: rows[0].name, role: rows[0].role } : null;
}
