import { Entity } from '@backstage/catalog-model';
import { isClaudeCodeAnalyticsAvailable } from './isClaudeCodeAnalyticsAvailable';

function entity(kind: string, annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x', annotations },
  };
}

describe('isClaudeCodeAnalyticsAvailable', () => {
  it.each(['User', 'Group', 'System', 'Domain', 'group'])(
    'is true for a %s',
    kind => {
      expect(isClaudeCodeAnalyticsAvailable(entity(kind))).toBe(true);
    },
  );

  it('is true for a Component with a GitHub project slug', () => {
    expect(
      isClaudeCodeAnalyticsAvailable(
        entity('Component', { 'github.com/project-slug': 'acme/payments' }),
      ),
    ).toBe(true);
  });

  it('is false for a Component without a GitHub project slug', () => {
    expect(isClaudeCodeAnalyticsAvailable(entity('Component'))).toBe(false);
    expect(
      isClaudeCodeAnalyticsAvailable(
        entity('Component', { 'github.com/project-slug': ' ' }),
      ),
    ).toBe(false);
  });

  it.each(['API', 'Resource', 'Location', 'Template'])(
    'is false for a %s',
    kind => {
      expect(isClaudeCodeAnalyticsAvailable(entity(kind))).toBe(false);
    },
  );
});
