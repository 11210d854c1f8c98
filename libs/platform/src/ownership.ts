import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from './auth';

/** The authenticated caller of a route (what the guard put on the request). */
export const Caller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);

/**
 * Whether the caller may see and act on a resource of `customerId`: operators and admins any, a
 * customer only its own. A resource the caller may not see answers exactly as a missing one (404,
 * the same body): another customer's resource is not confirmed to exist. No caller: no.
 */
export function mayAccessCustomer(caller: Principal | undefined, customerId: string): boolean {
  if (!caller) return false;
  if (caller.role !== 'customer') return true;
  return caller.customerId !== undefined && caller.customerId === customerId;
}

/** The customer a caller is confined to (a customer token's subject); undefined for staff. */
export function customerScopeOf(caller: Principal | undefined): string | undefined {
  return caller?.role === 'customer' ? caller.customerId : undefined;
}
