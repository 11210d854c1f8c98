import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { AuthFailureLimiter } from './http/hardening';

/** Roles in increasing power: an operator may do what a customer may, an admin what an operator may. */
export const RoleRank = { customer: 1, operator: 2, admin: 3 } as const;
export type Role = keyof typeof RoleRank;

/**
 * The operator and admin keys from the environment (customers present signed customer tokens):
 * bootstrap credentials, optional (unset: that key is disabled), for issuing named credentials
 * and then being unset.
 */
export interface ApiKeys {
  readonly operator?: string;
  readonly admin?: string;
}

const ROLE_METADATA = 'credit:required-role';
const PUBLIC_METADATA = 'credit:public';

/** The least role a route needs. Routes without it need any valid key. */
export const RequireRole = (role: Role) => SetMetadata(ROLE_METADATA, role);
/** Health, metrics and the OpenAPI document: no key needed. */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

/** Who is calling: what the guard puts on the request once a bearer credential checks out. */
export interface Principal {
  readonly role: Role;
  /**
   * The credential presented, never a secret: `env-<role>` for a key from the environment,
   * a named credential's id, `token:<kid>` for a customer token.
   */
  readonly credentialId: string;
  /** Who acted: a named credential's holder, `bootstrap` for an environment key, the customer id of a customer token. */
  readonly holder: string;
  /** The customer a customer token speaks for; absent for operators and admins. */
  readonly customerId?: string;
}

/** One way of recognising a bearer credential (environment keys, named credentials, customer tokens). */
export interface Authenticator {
  /** The principal the credential stands for, or undefined when this authenticator does not know it. */
  authenticate(credential: string): Principal | undefined;
  /**
   * True while this authenticator cannot yet tell whether it knows `credential` (it is still
   * loading its credentials at boot, and the credential has their form): the guard then answers
   * 503 with Retry-After, not 401.
   */
  loading?(credential: string): boolean;
}

/**
 * A credential an authenticator recognises as its own but refuses (a customer token expired or
 * invalid): 401 with this code, counted as a failed authentication. The message says why in the
 * words of the code, never which part of a well-formed credential failed.
 */
export class CredentialRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialRefused';
  }
}

/** The authenticators the guard asks in turn (a Nest provider holding `Authenticator[]`). */
export const AUTHENTICATORS = Symbol('credit:authenticators');

/**
 * The named operator and admin credentials (an `Authenticator`), when the service has them: the
 * messaging module provides them from the `platform.credentials` topic.
 */
export const NAMED_CREDENTIALS = Symbol('credit:named-credentials');

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** `admin:alice:cred_3f2a9c01b7de`: the role, holder and credential an audit records as the actor. */
export function actorOf(principal: Principal | undefined): string {
  return principal ? `${principal.role}:${principal.holder}:${principal.credentialId}` : 'unknown';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The keys from the environment (bootstrap credentials): a bearer key to a role, compared in constant time. */
export class ApiKeyDirectory implements Authenticator {
  private readonly entries: { role: Role; digest: Buffer }[];

  constructor(keys: ApiKeys) {
    const given = (['operator', 'admin'] as const).flatMap((role) => {
      const key = keys[role];
      return key === undefined ? [] : [{ role, key }];
    });
    if (new Set(given.map((entry) => entry.key)).size !== given.length) {
      throw new Error('OPERATOR_API_KEY and ADMIN_API_KEY must differ');
    }
    this.entries = given.map(({ role, key }) => ({ role, digest: digest(key) }));
  }

  roleOf(presentedKey: string): Role | undefined {
    const presented = digest(presentedKey);
    let found: Role | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.role;
    }
    return found;
  }

  authenticate(credential: string): Principal | undefined {
    const role = this.roleOf(credential);
    return role ? { role, credentialId: `env-${role}`, holder: 'bootstrap' } : undefined;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** The source a failed authentication is counted against: the client's address. */
export function sourceOf(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}

/**
 * Every route that is not public needs a valid key, and its role when it names one. Failed
 * authentications (no key, a wrong key) are counted per source; a source over its allowance is
 * answered 429 with Retry-After, whatever key it sends, until its allowance refills.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly limiter: AuthFailureLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATORS) private readonly authenticators: readonly Authenticator[],
    @Optional() limiter?: AuthFailureLimiter,
  ) {
    this.limiter = limiter ?? new AuthFailureLimiter(20, 10);
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const source = sourceOf(request);
    const retryAfter = this.limiter.retryAfterSeconds(source);
    if (retryAfter > 0) {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
      throw new HttpException(
        {
          code: 'AUTH.RATE_LIMITED',
          message: `too many failed authentications from this address; retry after ${retryAfter} s`,
          retryAfterSeconds: retryAfter,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      this.limiter.recordFailure(source);
      throw new UnauthorizedException({
        code: 'AUTH.MISSING_KEY',
        message: 'Authorization: Bearer <api key or customer token> is required',
      });
    }
    const principal = this.authenticate(token, source);
    if (!principal) {
      if (this.authenticators.some((authenticator) => authenticator.loading?.(token))) {
        context.switchToHttp().getResponse<Response>().setHeader('Retry-After', '1');
        throw new HttpException(
          {
            code: 'AUTH.CREDENTIALS_LOADING',
            message: 'the named credentials are still loading (the service is starting): retry',
          },
          HttpStatus.SERVICE_UNAVAILABLE,
        );
      }
      this.limiter.recordFailure(source);
      throw new UnauthorizedException({
        code: 'AUTH.INVALID_KEY',
        message: 'the API key is not valid',
      });
    }
    const required = this.reflector.getAllAndOverride<Role | undefined>(ROLE_METADATA, targets);
    if (required && RoleRank[principal.role] < RoleRank[required]) {
      throw new ForbiddenException({
        code: 'AUTH.FORBIDDEN',
        message: `this operation needs the ${required} role; the key has the ${principal.role} role`,
      });
    }
    request.principal = principal;
    return true;
  }

  private authenticate(token: string, source: string): Principal | undefined {
    try {
      for (const authenticator of this.authenticators) {
        const principal = authenticator.authenticate(token);
        if (principal) return principal;
      }
    } catch (error) {
      if (!(error instanceof CredentialRefused)) throw error;
      this.limiter.recordFailure(source);
      throw new UnauthorizedException({ code: error.code, message: error.message });
    }
    return undefined;
  }
}
