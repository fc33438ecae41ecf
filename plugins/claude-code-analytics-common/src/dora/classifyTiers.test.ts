import { classifyChangeFailureRate } from './classifyChangeFailureRate';
import { classifyDeploymentFrequency } from './classifyDeploymentFrequency';
import { classifyLeadTime } from './classifyLeadTime';
import { classifyRecoveryTime } from './classifyRecoveryTime';
import { DORA_TIERS } from './doraTiers';

describe('DORA tier classifiers', () => {
  it('classifies lead time in hours, each boundary going to the worse tier', () => {
    expect(classifyLeadTime(0)).toBe('elite');
    expect(classifyLeadTime(23.99)).toBe('elite');
    expect(classifyLeadTime(24)).toBe('high');
    expect(classifyLeadTime(167.99)).toBe('high');
    expect(classifyLeadTime(168)).toBe('medium');
    expect(classifyLeadTime(719.99)).toBe('medium');
    expect(classifyLeadTime(720)).toBe('low');
    expect(classifyLeadTime(24 * 365)).toBe('low');
  });

  it('classifies deployments per week: exactly daily is high, weekly and monthly are inclusive', () => {
    expect(classifyDeploymentFrequency(7.01)).toBe('elite');
    expect(classifyDeploymentFrequency(7)).toBe('high');
    expect(classifyDeploymentFrequency(1)).toBe('high');
    expect(classifyDeploymentFrequency(0.99)).toBe('medium');
    expect(classifyDeploymentFrequency(7 / 30)).toBe('medium');
    expect(classifyDeploymentFrequency(0.23)).toBe('low');
    expect(classifyDeploymentFrequency(0)).toBe('low');
  });

  it('classifies change failure rate on DevLake ranges, upper ends inclusive', () => {
    expect(classifyChangeFailureRate(0)).toBe('elite');
    expect(classifyChangeFailureRate(0.05)).toBe('elite');
    expect(classifyChangeFailureRate(0.0501)).toBe('high');
    expect(classifyChangeFailureRate(0.1)).toBe('high');
    expect(classifyChangeFailureRate(0.15)).toBe('medium');
    expect(classifyChangeFailureRate(0.1501)).toBe('low');
    expect(classifyChangeFailureRate(1)).toBe('low');
    expect(DORA_TIERS.changeFailureRate.source).toBe('Apache DevLake');
  });

  it('classifies recovery time in hours, the day-to-week gap being medium', () => {
    expect(classifyRecoveryTime(0.99)).toBe('elite');
    expect(classifyRecoveryTime(1)).toBe('high');
    expect(classifyRecoveryTime(23.99)).toBe('high');
    expect(classifyRecoveryTime(24)).toBe('medium');
    expect(classifyRecoveryTime(167.99)).toBe('medium');
    expect(classifyRecoveryTime(168)).toBe('low');
    expect(classifyRecoveryTime(24 * 60)).toBe('low');
  });

  it('has no tier without a usable value', () => {
    for (const classify of [
      classifyLeadTime,
      classifyDeploymentFrequency,
      classifyChangeFailureRate,
      classifyRecoveryTime,
    ]) {
      expect(classify(undefined)).toBeUndefined();
      expect(classify(NaN)).toBeUndefined();
      expect(classify(-1)).toBeUndefined();
      expect(classify(Infinity)).toBeUndefined();
    }
  });
});
