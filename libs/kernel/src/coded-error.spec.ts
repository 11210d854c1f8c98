import { CodedError } from './coded-error';

class TestError extends CodedError<'TEST.BAD'> {
  override readonly name = 'TestError';
}

describe('CodedError', () => {
  it('carries its code, the message prefixed with it, and the details (none unless given)', () => {
    const error = new TestError('TEST.BAD', 'no good', { field: 'x' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TestError', code: 'TEST.BAD', details: { field: 'x' } });
    expect(error.message).toBe('TEST.BAD: no good');
    expect(new TestError('TEST.BAD', 'again').details).toEqual({});
  });
});
