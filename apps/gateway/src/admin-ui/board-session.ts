import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Role } from '@txng/persistence';
import type Redis from 'ioredis';

/**
 * The bull-board session cookie. A browser navigation cannot send `Authorization: Bearer`, so the
 * UI trades its token (operator or admin) for this cookie with POST /v1/admin/session. The cookie
 * holds no token: only who (the audit actor), the role and an expiry, signed with a key derived
 * from HUB_SECRET_KEY; `Path=/admin/queues/board` keeps browsers from sending it anywhere else,
 * and the API guard ignores cookies altogether (no cross-site request can act with it).
 *
 * A signature alone would keep a cookie valid until it expires. So each session also has an id kept
 * in Redis under its actor (sign-out deletes them all: `DELETE /v1/admin/session` cannot see the
 * path-scoped cookie), and is bound to the token that opened it: a keyed hash of the token's
 * SHA-256, checked against the token's current hash at each request, so that a changed
 * HUB_ADMIN_TOKEN (same actor, `bootstrap-admin`) ends the old token's sessions as revocation does.
 */
export const BOARD_COOKIE = 'txng_board';
export const BOARD_PATH = '/admin/queues/board';
export const BOARD_SESSION_SECONDS = 8 * 60 * 60;

export interface BoardSession {
  actor: string;
  role: Role;
  /** Expiry, milliseconds since the epoch. */
  exp: number;
  /** Session id, live while it is in Redis (`board-sessions:<actor>`). */
  sid: string;
  /** tokenBinding() of the token that opened the session. */
  bind: string;
}

/** SHA-256 (hex) of a token: what api_token.token_hash holds. */
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Ties a session to one token without putting the token, or its stored hash, in the cookie. */
export function tokenBinding(secretKey: string, tokenHashHex: string): string {
  return createHmac('sha256', keyOf(secretKey))
    .update(`bind:${tokenHashHex}`)
    .digest('base64url')
    .slice(0, 32);
}

export const newSessionId = (): string => randomBytes(16).toString('base64url');

const sessionsKey = (actor: string): string => `board-sessions:${actor}`;

export async function rememberBoardSession(redis: Redis, session: BoardSession): Promise<void> {
  const key = sessionsKey(session.actor);
  await redis.multi().sadd(key, session.sid).expire(key, BOARD_SESSION_SECONDS).exec();
}

export async function isLiveBoardSession(redis: Redis, session: BoardSession): Promise<boolean> {
  return (await redis.sismember(sessionsKey(session.actor), session.sid)) === 1;
}

/** Ends every board session of an actor (sign-out). */
export async function endBoardSessions(redis: Redis, actor: string): Promise<void> {
  await redis.del(sessionsKey(actor));
}

const keyOf = (secretKey: string): Buffer =>
  createHmac('sha256', secretKey).update('txng-hub board session v1').digest();

const mac = (secretKey: string, payload: string): Buffer =>
  createHmac('sha256', keyOf(secretKey)).update(payload).digest();

export function signBoardSession(secretKey: string, session: BoardSession): string {
  const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
  return `${payload}.${mac(secretKey, payload).toString('base64url')}`;
}

/** The session the value carries, or null when it is forged, malformed or expired. */
export function verifyBoardSession(secretKey: string, value: string, now = Date.now()): BoardSession | null {
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = mac(secretKey, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<BoardSession>;
    if (typeof session.actor !== 'string' || typeof session.exp !== 'number') return null;
    if (typeof session.sid !== 'string' || typeof session.bind !== 'string') return null;
    if (session.role !== 'operator' && session.role !== 'admin') return null;
    if (session.exp <= now) return null;
    return {
      actor: session.actor,
      role: session.role,
      exp: session.exp,
      sid: session.sid,
      bind: session.bind,
    };
  } catch {
    return null;
  }
}

/** `name=value` pairs of a Cookie header (no dependency on cookie-parser for one cookie). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function boardCookieHeader(value: string, secure: boolean): string {
  return `${BOARD_COOKIE}=${value}; Path=${BOARD_PATH}; Max-Age=${BOARD_SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearBoardCookieHeader(secure: boolean): string {
  return `${BOARD_COOKIE}=; Path=${BOARD_PATH}; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
