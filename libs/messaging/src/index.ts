export * from './event-consumer';
export * from './kafka-runtime';
export * from './messaging-tables.migration';
export * from './messaging.module';
export * from './outbox-relay';
export * from './outbox-writer';
export * from './records';
export * from './topic-admin';
