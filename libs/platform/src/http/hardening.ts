import { AsyncResource } from 'node:async_hooks';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { ServiceConfig } from '../config';
import { sendHttpError } from '../errors';

/**
 * What every service's HTTP side does before a route sees a request: security headers, CORS
 * (closed unless origins are configured), and the only body parser (JSON, size- and
 * depth-limited, errors in the platform's shape). Written here rather than taken from a package:
 * a few headers and one parser.
 */
export interface HttpHardening {
  /** Largest request body accepted, in bytes (413 above). */
  readonly bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have (400 deeper). */
  readonly jsonDepthMax: number;
  /** Origins a browser may call from (exact `scheme://host[:port]`); none: CORS closed. */
  readonly corsAllowedOrigins: readonly string[];
  /** `Strict-Transport-Security: max-age=<n>; includeSubDomains`; 0: not sent. */
  readonly hstsMaxAgeSeconds: number;
  /**
   * The proxies in front of the service whose `X-Forwarded-For` names the client (Express's
   * `trust proxy`: addresses, CIDRs, `loopback`/`linklocal`/`uniquelocal`); empty: none, the
   * source of a request is its TCP peer, and a client can't pick its own address for the
   * failed-auth limit by sending the header.
   */
  readonly trustedProxies?: readonly string[];
}

export const defaultHttpHardening: HttpHardening = {
  bodyLimitBytes: 1_048_576,
  jsonDepthMax: 32,
  corsAllowedOrigins: [],
  hstsMaxAgeSeconds: 0,
};

export function httpHardeningOf(
  config: Partial<
    Pick<
      ServiceConfig,
      | 'HTTP_BODY_LIMIT_BYTES'
      | 'HTTP_JSON_DEPTH_MAX'
      | 'CORS_ALLOWED_ORIGINS'
      | 'HTTP_HSTS_MAX_AGE_SECONDS'
      | 'HTTP_TRUSTED_PROXIES'
    >
  >,
): HttpHardening {
  return {
    bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES ?? defaultHttpHardening.bodyLimitBytes,
    jsonDepthMax: config.HTTP_JSON_DEPTH_MAX ?? defaultHttpHardening.jsonDepthMax,
    corsAllowedOrigins: config.CORS_ALLOWED_ORIGINS ?? [],
    hstsMaxAgeSeconds: config.HTTP_HSTS_MAX_AGE_SECONDS ?? 0,
    trustedProxies: config.HTTP_TRUSTED_PROXIES ?? [],
  };
}

/** Installs the headers, CORS and the body parser; before `listen` (Nest then adds no parser). */
export function hardenHttp(app: INestApplication, options: HttpHardening): void {
  const express = app.getHttpAdapter().getInstance() as {
    disable?: (setting: string) => void;
    set?: (setting: string, value: unknown) => void;
  };
  express.disable?.('x-powered-by');
  express.set?.(
    'trust proxy',
    options.trustedProxies?.length ? [...options.trustedProxies] : false,
  );
  app.use(securityHeaders(options));
  app.use(cors(options));
  app.use(jsonBodyParser(options));
  // Nest registers its own parsers at init unless middleware of these names exists: the JSON
  // parser above refuses every other media type, so the urlencoded one is a pass-through.
  app.use(function urlencodedParser(_: Request, __: Response, next: NextFunction) {
    next();
  });
}

/** The JSON API's headers: nothing to sniff, frame, refer, cache or run. */
export const SecurityHeaders: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function securityHeaders(options: HttpHardening) {
  const hsts =
    options.hstsMaxAgeSeconds > 0
      ? `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains`
      : undefined;
  return function securityHeaders(_: Request, response: Response, next: NextFunction): void {
    for (const [name, value] of Object.entries(SecurityHeaders)) response.setHeader(name, value);
    if (hsts) response.setHeader('Strict-Transport-Security', hsts);
    next();
  };
}

const CorsAllowedMethods = 'GET, POST, PUT, PATCH, DELETE';
const CorsAllowedHeaders = 'authorization, content-type, idempotency-key, x-correlation-id';
const CorsExposedHeaders = 'x-correlation-id, idempotent-replayed, retry-after';

/**
 * CORS for the configured origins only: an allowed origin gets `Access-Control-Allow-Origin`
 * (no credentials: the API takes bearer keys, not cookies) and its preflight a 204; any other
 * origin's preflight is a 403 and its requests get no CORS header, so a browser reads nothing.
 */
function cors(options: HttpHardening) {
  const allowed = new Set(options.corsAllowedOrigins);
  return function cors(request: Request, response: Response, next: NextFunction): void {
    const origin = request.headers.origin;
    if (origin === undefined) {
      next();
      return;
    }
    response.append('Vary', 'Origin');
    const permitted = allowed.has(origin);
    if (permitted) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Expose-Headers', CorsExposedHeaders);
    }
    if (request.method !== 'OPTIONS' || !request.headers['access-control-request-method']) {
      next();
      return;
    }
    if (!permitted) {
      sendHttpError(response, 403, 'CORS.ORIGIN_NOT_ALLOWED', 'this origin may not call the API');
      return;
    }
    response.setHeader('Access-Control-Allow-Methods', CorsAllowedMethods);
    response.setHeader('Access-Control-Allow-Headers', CorsAllowedHeaders);
    response.setHeader('Access-Control-Max-Age', '600');
    response.status(204).end();
  };
}

const JsonMediaType = /^application\/(?:[\w.-]+\+)?json$/;

/** Whether the request says it carries a body (a length above zero or a chunked stream). */
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  if (request.headers['transfer-encoding'] !== undefined) return true;
  return length !== undefined && length !== '0';
}

/** The deepest nesting of arrays and objects in JSON text, stopping once it passes `max`. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      if (++depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return false;
}

/**
 * The one body parser: a body must be UTF-8 JSON (415 otherwise), at most `bodyLimitBytes` (413,
 * read to its end so the client gets the answer), nested at most `jsonDepthMax` deep and valid
 * (400). No body leaves `request.body` undefined.
 */
function jsonBodyParser(options: HttpHardening) {
  // Past this much a body is not drained for a polite answer: the connection is cut.
  const drainMax = options.bodyLimitBytes * 16;
  return function jsonParser(request: Request, response: Response, next: NextFunction): void {
    if (!hasBody(request)) {
      next();
      return;
    }
    const [mediaType = '', ...parameters] = (request.headers['content-type'] ?? '').split(';');
    const charset = parameters
      .map((parameter) => parameter.trim().toLowerCase())
      .find((parameter) => parameter.startsWith('charset='));
    if (
      !JsonMediaType.test(mediaType.trim().toLowerCase()) ||
      (charset !== undefined && !/^charset="?utf-8"?$/.test(charset))
    ) {
      request.resume();
      sendHttpError(
        response,
        415,
        'HTTP.UNSUPPORTED_MEDIA_TYPE',
        'the body must be JSON in UTF-8 (Content-Type: application/json)',
      );
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let answered = false;
    const tooLarge = () =>
      sendHttpError(
        response,
        413,
        'HTTP.PAYLOAD_TOO_LARGE',
        `the body must be at most ${options.bodyLimitBytes} bytes`,
        { limit: options.bodyLimitBytes },
      );
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainMax) {
      response.setHeader('Connection', 'close');
      answered = true;
      tooLarge();
      request.destroy();
      return;
    }
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= options.bodyLimitBytes) chunks.push(chunk);
      else if (received > drainMax && !answered) {
        answered = true;
        response.setHeader('Connection', 'close');
        tooLarge();
        request.destroy();
      }
    });
    request.on('error', () => {
      if (answered) return;
      answered = true;
      sendHttpError(response, 400, 'HTTP.BODY_UNREADABLE', 'the body could not be read');
    });
    // Bound to the request's context (correlation id, span): stream events are not.
    request.on(
      'end',
      AsyncResource.bind(() => {
        if (answered) return;
        answered = true;
        if (received > options.bodyLimitBytes) {
          tooLarge();
          return;
        }
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
        } catch {
          sendHttpError(response, 400, 'HTTP.INVALID_JSON', 'the body is not valid UTF-8');
          return;
        }
        if (jsonDepthExceeds(text, options.jsonDepthMax)) {
          sendHttpError(
            response,
            400,
            'HTTP.JSON_TOO_DEEP',
            `the body nests arrays and objects more than ${options.jsonDepthMax} levels deep`,
            { limit: options.jsonDepthMax },
          );
          return;
        }
        try {
          request.body = JSON.parse(text) as unknown;
        } catch {
          // The parser's message quotes the input (it may be personal data): not repeated.
          sendHttpError(response, 400, 'HTTP.INVALID_JSON', 'the body is not valid JSON');
          return;
        }
        next();
      }),
    );
  };
}

/**
 * Failed authentications per source, as a token bucket: `burst` failures at once, refilled at
 * `perMinute`. While a source's bucket is empty every request from it needing a key is refused
 * with 429 and `Retry-After`. Kept in this process's memory: with several instances each keeps
 * its own buckets, so a source gets at most `burst` × instances failures in a burst (a load
 * balancer pinning by source makes it one). Bounded: at most `maxSources` sources are tracked,
 * refilled ones are forgotten first.
 */
export class AuthFailureLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxSources = 10_000,
  ) {}

  get enabled(): boolean {
    return this.burst > 0 && this.perMinute > 0;
  }

  /** Seconds until `source` may try again: 0 when it may now. */
  retryAfterSeconds(source: string): number {
    if (!this.enabled) return 0;
    const bucket = this.refilled(source);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute));
  }

  recordFailure(source: string): void {
    if (!this.enabled) return;
    const bucket = this.refilled(source) ?? { tokens: this.burst, at: this.now() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.delete(source);
    this.buckets.set(source, bucket);
    if (this.buckets.size > this.maxSources) this.forget();
  }

  private refilled(source: string): { tokens: number; at: number } | undefined {
    const bucket = this.buckets.get(source);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000,
    );
    bucket.at = now;
    return bucket;
  }

  /** Drops full buckets, then the least recently failed, until within `maxSources`. */
  private forget(): void {
    for (const source of [...this.buckets.keys()]) {
      const bucket = this.refilled(source);
      if (bucket && bucket.tokens >= this.burst) this.buckets.delete(source);
    }
    for (const source of this.buckets.keys()) {
      if (this.buckets.size <= this.maxSources) break;
      this.buckets.delete(source);
    }
  }
}
