/**
 * Abuse limits.
 *  - HTTP: fixed-window counters per IP and per user (Entra `oid`) for two route classes,
 *    `submit` (POST /api/jobs) and `read` (everything else that needs a token). The counters
 *    live in Redis (@fastify/rate-limit's RedisStore), so every replica shares them. If Redis is
 *    unreachable the limits fail open (the api keeps accepting jobs through the outbox).
 *  - Socket.IO: per-socket subscription cap and a token-bucket subscribe rate (in memory: a
 *    socket lives on one replica); the message size is capped by the server (maxHttpBufferSize).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitConfig } from '@aks-platform/common';

export type LimitClass = 'submit' | 'read';

export interface LimitResult {
  limited: boolean;
  /** Seconds until the window resets (Retry-After). */
  retryAfterS: number;
  limit: number;
  remaining: number;
}

type Check = (req: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number; max?: number; remaining?: number }>;

export interface HttpLimiter {
  byIp(cls: LimitClass, req: FastifyRequest): Promise<LimitResult>;
  byUser(cls: LimitClass, req: FastifyRequest, oid: string): Promise<LimitResult>;
}

/** Needs @fastify/rate-limit registered on `app` (global: false, redis store, skipOnError). */
export function createHttpLimiter(app: FastifyInstance, cfg: RateLimitConfig): HttpLimiter {
  const users = new WeakMap<FastifyRequest, string>();
  const make = (cls: LimitClass, kind: 'ip' | 'user', max: number): Check =>
    app.createRateLimit({
      max,
      timeWindow: cfg.windowMs,
      keyGenerator: (req: FastifyRequest) => `${cls}:${kind}:${kind === 'ip' ? req.ip : users.get(req)}`,
    }) as unknown as Check;
  const checks = {
    submit: { ip: make('submit', 'ip', cfg.submitPerIp), user: make('submit', 'user', cfg.submitPerUser) },
    read: { ip: make('read', 'ip', cfg.readPerIp), user: make('read', 'user', cfg.readPerUser) },
  };
  const run = async (check: Check, req: FastifyRequest): Promise<LimitResult> => {
    const r = await check(req);
    return {
      limited: r.isExceeded === true,
      retryAfterS: Math.max(1, r.ttlInSeconds ?? 1),
      limit: r.max ?? 0,
      remaining: r.remaining ?? 0,
    };
  };
  return {
    byIp: (cls, req) => run(checks[cls].ip, req),
    byUser: (cls, req, oid) => {
      users.set(req, oid);
      return run(checks[cls].user, req);
    },
  };
}

/** Token bucket: `ratePerS` tokens per second, burst of the same size. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly ratePerS: number, private readonly now: () => number = Date.now) {
    this.tokens = ratePerS;
    this.last = now();
  }
  /** Takes one token; returns 0 when allowed, else the ms until one is available. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.ratePerS, this.tokens + ((t - this.last) / 1000) * this.ratePerS);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerS) * 1000);
  }
}
