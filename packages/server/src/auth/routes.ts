import { z } from 'zod';
import { NewPassword, toUserWire, UserWire } from '../accounts/wire.js';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { LoginThrottle } from './login-throttle.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { clearSessionCookie, SESSION_TTL_MS, setSessionCookie } from './session-cookie.js';

const LoginBody = z.strictObject({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});
const SignedIn = z.object({ user: UserWire, csrfToken: z.string() });
const Me = SignedIn.extend({
  organizations: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.string(),
      projects: z.array(
        z.object({ id: z.string(), name: z.string(), timezone: z.string(), currency: z.string() }),
      ),
    }),
  ),
});

/** Sign-in, sign-out, the signed-in user and password change. */
export function authRoutes(ctx: AppContext) {
  const throttle = new LoginThrottle({ failures: ctx.meta.signInFailures, now: ctx.now });
  return [
    defineRoute({
      method: 'POST',
      url: '/api/auth/login',
      summary: 'Signs in with email and password; sets the session cookie.',
      tags: ['auth'],
      access: { kind: 'public' },
      body: LoginBody,
      response: SignedIn,
      handler: async ({ body, request, reply }) => {
        const wait = await throttle.retryAfterMs(body.email, request.ip);
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          throw new ApiError(
            429,
            'rate_limited',
            `Too many failed sign-ins. Try again in ${seconds} seconds.`,
            undefined,
            { 'retry-after': String(seconds) },
          );
        }
        const user = await ctx.meta.users.byEmail(body.email);
        const ok = await verifyPassword(
          body.password,
          user?.passwordHash ?? (await dummyPasswordHash()),
        );
        if (!user || !ok) {
          await throttle.recordFailure(body.email, request.ip);
          throw new ApiError(401, 'invalid_credentials', 'Wrong email or password.');
        }
        await throttle.recordSuccess(body.email, request.ip);
        const { session, token } = await ctx.meta.sessions.create({
          userId: user.id,
          ttlMs: SESSION_TTL_MS,
        });
        setSessionCookie(reply, ctx.config, token);
        return { user: toUserWire(user), csrfToken: session.csrfToken };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/logout',
      summary: 'Ends the current session and clears its cookie.',
      tags: ['auth'],
      access: { kind: 'public' },
      handler: async ({ auth, reply }) => {
        if (auth.principal) await ctx.meta.sessions.delete(auth.principal.session.id);
        clearSessionCookie(reply, ctx.config);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/me',
      summary: 'The signed-in user, their CSRF token, organisations and projects.',
      tags: ['auth'],
      access: { kind: 'user' },
      response: Me,
      handler: async ({ auth }) => {
        const { user, session } = auth.principal;
        const orgs = await ctx.meta.orgs.listForUser(user.id);
        const organizations = await Promise.all(
          orgs.map(async (o) => ({
            id: o.id,
            name: o.name,
            role: o.role,
            projects: (await ctx.meta.projects.listForOrg(o.id)).map((p) => ({
              id: p.id,
              name: p.name,
              timezone: p.timezone,
              currency: p.currency,
            })),
          })),
        );
        return { user: toUserWire(user), csrfToken: session.csrfToken, organizations };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/password',
      summary: "Changes the signed-in user's password and signs out their other sessions.",
      tags: ['auth'],
      access: { kind: 'user' },
      body: z.strictObject({ currentPassword: z.string().max(1024), newPassword: NewPassword }),
      handler: async ({ auth, body }) => {
        const { user, session } = auth.principal;
        const stored = await ctx.meta.users.passwordHash(user.id);
        if (!stored || !(await verifyPassword(body.currentPassword, stored))) {
          throw new ApiError(403, 'invalid_credentials', 'The current password is wrong.');
        }
        await ctx.meta.users.setPassword(user.id, await hashPassword(body.newPassword));
        await ctx.meta.sessions.deleteForUser(user.id, { exceptSessionId: session.id });
        return undefined;
      },
    }),
  ];
}
