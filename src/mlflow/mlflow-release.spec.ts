import { parseRelease, supportsAliases } from './mlflow-release';

describe('MLflow releases', () => {
  it('reads major and minor from what GET /version answers', () => {
    expect(parseRelease('3.11.2.dev0\n')).toEqual({ text: '3.11.2.dev0', major: 3, minor: 11 });
    expect(parseRelease('2.9.2')).toEqual({ text: '2.9.2', major: 2, minor: 9 });
    expect(parseRelease('<html>')).toBeUndefined();
  });

  it.each([
    ['2.2.2', false],
    ['2.3.0', true],
    ['2.10.0', true],
    ['3.0.0rc1', true],
    ['1.99.0', false],
    [undefined, undefined],
    ['unknown', undefined],
  ])('aliases on %s: %p', (version, supported) => {
    expect(supportsAliases(version)).toBe(supported);
  });
});
