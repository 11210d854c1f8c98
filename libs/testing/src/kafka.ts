import { Kafka, logLevel } from 'kafkajs';

/** The test broker's addresses (tools/scripts/test.sh and the sandbox set KAFKA_BROKERS). */
export const testBrokers = (): string[] =>
  (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** A quiet client of the test broker. */
export const testKafka = (clientId: string): Kafka =>
  new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
