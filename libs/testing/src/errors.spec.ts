import { errorOf } from './errors';

class Refused extends Error {}

describe('errorOf', () => {
  it('returns the error of the expected type', () => {
    const refused = new Refused('no');
    expect(
      errorOf(() => {
        throw refused;
      }, Refused),
    ).toBe(refused);
  });

  it('rethrows an error of another type, and fails when nothing is thrown', () => {
    expect(() =>
      errorOf(() => {
        throw new TypeError('other');
      }, Refused),
    ).toThrow(TypeError);
    expect(() => errorOf(() => 1, Refused)).toThrow('expected a Refused, nothing was thrown');
  });
});
