/**
 * The actor a write made by the service itself records (an event consumer, a scheduled task):
 * `system:<service>`, so an audit column is never empty. People and their credentials are
 * recorded as `actorOf(request.principal)` (role:holder:credentialId).
 */
export function systemActor(service: string): string {
  return `system:${service}`;
}
