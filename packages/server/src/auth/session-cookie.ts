import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { parseCookies, serializeCookie } from './cookies.js';

export const SESSION_COOKIE = 'opsloop_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A session lives this long after its last renewal. */
export const SESSION_TTL_MS = 14 * 24 * 60 * 60_000;
/** A session is renewed when less than this is left, so active users stay signed in. */
export const SESSION_RENEW_BELOW_MS = SESSION_TTL_MS / 2;

export function readSessionToken(request: FastifyRequest): string | undefined {
  return parseCookies(request.headers.cookie).get(SESSION_COOKIE);
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  void reply.header(
    'set-cookie',
    serializeCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: config.secureCookies,
      maxAgeSeconds: SESSION_TTL_MS / 1000,
    }),
  );
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  void reply.header(
    'set-cookie',
    serializeCookie(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: config.secureCookies,
      maxAgeSeconds: 0,
    }),
  );
}
