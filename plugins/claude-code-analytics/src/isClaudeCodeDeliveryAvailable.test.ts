import { Entity } from '@backstage/catalog-model';
import { isClaudeCodeDeliveryAvailable } from './isClaudeCodeDeliveryAvailable';

function entity(kind: string, annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x', annotations },
  };
}

describe('isClaudeCodeDeliveryAvailable', () => {
  it.each(['Group', 'System', 'Domain', 'group'])('is true for a %s', kind => {
    expect(isClaudeCodeDeliveryAvailable(entity(kind))).toBe(true);
  });

  it('is true for a Component with a GitHub project slug', () => {
    expect(
      isClaudeCodeDeliveryAvailable(
        entity('Component', { 'github.com/project-slug': 'acme/payments' }),
      ),
    ).toBe(true);
  });

  it('is false for a Component without a GitHub project slug', () => {
    expect(isClaudeCodeDeliveryAvailable(entity('Component'))).toBe(false);
    expect(
      isClaudeCodeDeliveryAvailable(
        entity('Component', { 'github.com/project-slug': ' ' }),
      ),
    ).toBe(false);
  });

  it('is false for a User, who has no delivery of their own', () => {
    expect(isClaudeCodeDeliveryAvailable(entity('User'))).toBe(false);
    expect(
      isClaudeCodeDeliveryAvailable(
        entity('User', { 'github.com/project-slug': 'acme/payments' }),
      ),
    ).toBe(false);
  });

  it.each(['API', 'Resource', 'Location', 'Template'])(
    'is false for a %s',
    kind => {
      expect(isClaudeCodeDeliveryAvailable(entity(kind))).toBe(false);
    },
  );
});
