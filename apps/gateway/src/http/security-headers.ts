import { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { BOARD_PATH } from '../admin-ui/board-session';

/** What the gateway serves at a path, for its headers: each has its own Content-Security-Policy. */
export type Surface = 'api' | 'docs' | 'ui' | 'board';

const SELF = ["'self'"];
const NONE = ["'none'"];

/**
 * Nothing but the hub's own origin may supply scripts, styles or images or be called, no site may
 * frame a page (clickjacking), and no base URL or form target may be changed by injected markup.
 * JSON answers (API, webhooks, health) need no resource at all. Our UI has no inline code; bull-board
 * carries an inline configuration script and styles, and Swagger UI inline styles.
 */
const POLICIES: Record<Surface, Record<string, string[]>> = {
  api: { 'default-src': NONE, 'frame-ancestors': NONE, 'base-uri': NONE, 'form-action': NONE },
  docs: page({ inlineStyles: true, inlineScripts: false }),
  ui: page({ inlineStyles: false, inlineScripts: false }),
  board: page({ inlineStyles: true, inlineScripts: true }),
};

function page(inline: { inlineStyles: boolean; inlineScripts: boolean }): Record<string, string[]> {
  return {
    'default-src': SELF,
    'script-src': inline.inlineScripts ? [...SELF, "'unsafe-inline'"] : SELF,
    'style-src': inline.inlineStyles ? [...SELF, "'unsafe-inline'"] : SELF,
    'img-src': [...SELF, 'data:'],
    'font-src': [...SELF, 'data:'],
    'connect-src': SELF,
    'object-src': NONE,
    'base-uri': SELF,
    'form-action': SELF,
    'frame-ancestors': NONE,
  };
}

export function surfaceOf(path: string): Surface {
  if (path === BOARD_PATH || path.startsWith(`${BOARD_PATH}/`)) return 'board';
  if (path === '/admin' || path.startsWith('/admin/')) return 'ui';
  if (path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-')) return 'docs';
  return 'api';
}

/**
 * The one place the gateway's security headers are set, for every answer (API, webhooks, health,
 * /docs, the admin UI, bull-board), before any route runs so that errors carry them too. No HSTS:
 * that belongs to the proxy that terminates TLS (docs/security.md).
 */
export function securityHeaders(): RequestHandler {
  const bySurface = Object.fromEntries(
    (Object.keys(POLICIES) as Surface[]).map((surface) => [
      surface,
      helmet({
        contentSecurityPolicy: { useDefaults: false, directives: POLICIES[surface] },
        crossOriginEmbedderPolicy: false,
        crossOriginOpenerPolicy: { policy: 'same-origin' },
        crossOriginResourcePolicy: { policy: 'same-origin' },
        frameguard: { action: 'deny' },
        referrerPolicy: { policy: 'no-referrer' },
        strictTransportSecurity: false,
      }),
    ]),
  ) as Record<Surface, ReturnType<typeof helmet>>;
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    bySurface[surfaceOf(req.path)](req, res, next);
  };
}
