import { isProductionDeployment } from './isProductionDeployment';

describe('isProductionDeployment', () => {
  it('matches the environment against the pattern, /prod/i by default', () => {
    expect(isProductionDeployment({ environment: 'Production' })).toBe(true);
    expect(isProductionDeployment({ environment: 'prod-eu' })).toBe(true);
    expect(isProductionDeployment({ environment: 'staging' })).toBe(false);
    expect(isProductionDeployment({ environment: 'live' }, /^live$/)).toBe(
      true,
    );
  });

  it('answers with the deployment own flag when it has one, whatever the environment', () => {
    expect(
      isProductionDeployment({ environment: 'live', production: true }),
    ).toBe(true);
    expect(
      isProductionDeployment({
        environment: 'production-canary',
        production: false,
      }),
    ).toBe(false);
    expect(
      isProductionDeployment(
        { environment: 'live', production: false },
        /^live$/,
      ),
    ).toBe(false);
  });

  it('gives the same answer on every call with a global pattern', () => {
    const pattern = /prod/gi;
    const deployment = { environment: 'production' };
    expect(
      [1, 2, 3].map(() => isProductionDeployment(deployment, pattern)),
    ).toEqual([true, true, true]);
  });
});
