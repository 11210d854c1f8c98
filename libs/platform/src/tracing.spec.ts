import { trace } from '@opentelemetry/api';
import { ConfigError, loadConfig, serviceEnvSchema } from './config';
import { currentTraceHeaders, inSpan, startSpan, tracingEnabled } from './tracing';

const baseEnv = {
  HTTP_PORT: '3001',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/credit_x',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OPERATOR_API_KEY: 'operator-key-0000000001',
  ADMIN_API_KEY: 'admin-key-000000000000001',
};

describe('tracing configuration', () => {
  it('is off when TRACING_OTLP_ENDPOINT is unset', () => {
    expect(loadConfig(serviceEnvSchema, baseEnv).TRACING_OTLP_ENDPOINT).toBeUndefined();
  });

  it('takes an http(s) endpoint and names the variable when it is not one', () => {
    expect(
      loadConfig(serviceEnvSchema, { ...baseEnv, TRACING_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })
        .TRACING_OTLP_ENDPOINT,
    ).toBe('http://127.0.0.1:4318');
    expect(() =>
      loadConfig(serviceEnvSchema, { ...baseEnv, TRACING_OTLP_ENDPOINT: 'collector:4318' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig(serviceEnvSchema, { ...baseEnv, TRACING_OTLP_ENDPOINT: 'collector:4318' }),
    ).toThrow(/TRACING_OTLP_ENDPOINT: must be a URL with protocol http or https/);
  });
});

describe('tracing while it is off', () => {
  it('runs the work without a span, an active context or trace headers', async () => {
    expect(tracingEnabled()).toBe(false);
    const seen = await inSpan('anything', {}, (span) =>
      Promise.resolve({ span, active: trace.getActiveSpan(), headers: currentTraceHeaders() }),
    );
    expect(seen).toEqual({ span: undefined, active: undefined, headers: undefined });
    expect(startSpan('anything', {})).toBeUndefined();
  });
});
