import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/** Where `vite build --config apps/admin-ui/vite.config.ts` writes the UI (vite.config.ts `build.outDir`). */
export function findAdminUiDir(explicit?: string): string | null {
  const candidates = explicit
    ? [explicit]
    : [
        // dist/apps/gateway/main.js → dist/admin-ui
        join(__dirname, '..', '..', 'admin-ui'),
        join(process.cwd(), 'dist', 'admin-ui'),
      ];
  return candidates.map((c) => resolve(c)).find((c) => existsSync(join(c, 'index.html'))) ?? null;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>txng-hub: admin UI not built</title></head>
<body><main>
<h1>Giao diện quản trị chưa được build / The admin UI has not been built</h1>
<p>Chạy <code>npx vite build --config apps/admin-ui/vite.config.ts</code> (hoặc <code>npm run build</code>) rồi khởi động lại gateway.</p>
<p>Run <code>npx vite build --config apps/admin-ui/vite.config.ts</code> (or <code>npm run build</code>) and restart the gateway.
The operator API under <code>/v1/admin</code> works without it.</p>
</main></body></html>`;

/**
 * GET /admin and /admin/*: the built single-page app. Hashed assets (`/admin/assets/*`) are cached
 * for a year; every other path falls back to index.html (no cache) so client-side routes survive a
 * reload. Public: the page holds no data, every call it makes needs a token. `/admin/queues/board`
 * is bull-board's (mounted before this).
 */
export function adminUiRouter(dir: string | null): Router {
  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!dir) {
      res.status(503).setHeader('Cache-Control', 'no-store');
      res.type('html').send(NOT_BUILT_PAGE);
      return;
    }
    next();
  });
  if (!dir) return router;
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, redirect: false }),
    // An old hashed name after a redeploy: a plain 404, never index.html under a script's name.
    (_req: Request, res: Response) => {
      res.status(404).setHeader('Cache-Control', 'no-store');
      res.type('text').send('Not found');
    },
  );
  router.use(
    express.static(dir, {
      index: false,
      redirect: false,
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
  return router;
}
