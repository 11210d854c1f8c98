import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { CredentialRecordedV1, type CredentialState } from '@credit/contracts';
import { credentialSecretHash, newCredentialSecret } from '@credit/platform';
import { CatchUp, CredentialDirectory } from './credential-directory';
import { OutboxWriter } from './outbox-writer';

const writer = new OutboxWriter('ledger');
const secret = newCredentialSecret('cred_0123456789ab');
const issued: CredentialState = {
  id: 'cred_0123456789ab',
  holder: 'service-disbursement',
  role: 'operator',
  secretHash: credentialSecretHash(secret),
  issuedAt: '2026-12-03T10:00:00.000Z',
  issuedBy: 'admin:bootstrap:env-admin',
  revokedAt: null,
  revokedBy: null,
};
const revoked: CredentialState = {
  ...issued,
  revokedAt: '2026-12-03T12:00:00.000Z',
  revokedBy: 'admin:alice:cred_ffffffffffff',
};

/** The record value the relay publishes for a state, as the ledger builds it. */
function record(state: CredentialState, change: string): Buffer {
  const envelope = writer.build({
    definition: CredentialRecordedV1,
    key: state.id,
    payload: state,
    cause: { source: 'credentials', id: `${state.id}:${change}` },
  });
  return Buffer.from(JSON.stringify(envelope));
}

function directory(): CredentialDirectory {
  return new CredentialDirectory(
    {} as Kafka,
    {
      groupId: 'test',
      sessionTimeoutMs: 6_000,
      connectBackoffInitialMs: 10,
      connectBackoffMaxMs: 100,
    },
    pino({ level: 'silent' }),
  );
}

describe('CredentialDirectory', () => {
  it('authenticates a credential once its issue is applied, and refuses it after its revocation', () => {
    const credentials = directory();
    expect(credentials.authenticate(secret)).toBeUndefined();
    expect(credentials.applyRecord(record(issued, 'issued'))).toBe(true);
    expect(credentials.authenticate(secret)).toEqual({
      role: 'operator',
      credentialId: 'cred_0123456789ab',
      holder: 'service-disbursement',
    });
    expect(credentials.applyRecord(record(revoked, 'revoked'))).toBe(true);
    expect(credentials.authenticate(secret)).toBeUndefined();
  });

  it('applies a redelivered record once and never un-revokes', () => {
    const credentials = directory();
    credentials.applyRecord(record(issued, 'issued'));
    expect(credentials.applyRecord(record(issued, 'issued'))).toBe(false);
    credentials.applyRecord(record(revoked, 'revoked'));
    expect(credentials.applyRecord(record(issued, 'issued'))).toBe(false);
    expect(credentials.authenticate(secret)).toBeUndefined();
    expect(credentials.size).toBe(1);
  });

  it('skips records that are not credential states (a tombstone, another event, a bad payload)', () => {
    const credentials = directory();
    expect(credentials.applyRecord(null)).toBe(false);
    expect(credentials.applyRecord(Buffer.from('not json'))).toBe(false);
    const envelope = JSON.parse(record(issued, 'issued').toString()) as Record<string, unknown>;
    const withSecret = { ...envelope, payload: { ...issued, secretHash: secret } };
    expect(credentials.applyRecord(Buffer.from(JSON.stringify(withSecret)))).toBe(false);
    const otherType = { ...envelope, type: 'ledger.entry.posted' };
    expect(credentials.applyRecord(Buffer.from(JSON.stringify(otherType)))).toBe(false);
    expect(credentials.size).toBe(0);
  });

  it('is not ready, and cannot tell a named secret, until it has read the topic', () => {
    const credentials = directory();
    expect(credentials.readiness()).toEqual({
      up: false,
      detail: 'named credentials not read yet from platform.credentials',
    });
    expect(credentials.loading(secret)).toBe(true);
    // Anything that is not a named credential's secret is not its to know: 401 at once.
    expect(credentials.loading('dev-operator-key-0000000000000001')).toBe(false);
  });
});

describe('CatchUp', () => {
  it('is done at once for an empty topic', () => {
    expect(new CatchUp([{ partition: 0, low: '0', high: '0' }]).done).toBe(true);
    expect(new CatchUp([{ partition: 0, low: '7', high: '7' }]).done).toBe(true);
  });

  it('is done once every partition reached the end it had at the start', () => {
    const catchUp = new CatchUp([
      { partition: 0, low: '0', high: '3' },
      { partition: 1, low: '5', high: '6' },
    ]);
    catchUp.reached(0, '1');
    expect(catchUp.done).toBe(false);
    expect(catchUp.describe()).toBe('partition 0 to offset 3, partition 1 to offset 6');
    catchUp.reached(0, '2');
    catchUp.reached(1, '5');
    expect(catchUp.done).toBe(true);
    catchUp.reached(0, '9');
    expect(catchUp.done).toBe(true);
  });

  it('passes offsets compaction removed', () => {
    const catchUp = new CatchUp([{ partition: 0, low: '0', high: '10' }]);
    catchUp.reached(0, '4');
    catchUp.reached(0, '9');
    expect(catchUp.done).toBe(true);
  });
});
