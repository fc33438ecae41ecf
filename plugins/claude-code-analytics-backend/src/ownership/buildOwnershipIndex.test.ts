import { Entity } from '@backstage/catalog-model';
import { buildOwnershipIndex } from './buildOwnershipIndex';

const user = (
  name: string,
  email: string,
  memberOf: string[],
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, annotations },
  spec: { profile: { email }, memberOf },
});

const group = (name: string, parent?: string, children: string[] = []) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', parent, children },
});

const component = (
  name: string,
  owner: string,
  system?: string,
  slug?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: slug ? { 'github.com/project-slug': slug } : {},
  },
  spec: { type: 'service', owner, system, lifecycle: 'production' },
});

// org -> dept -> team -> squad: four levels.
const org: Entity[] = [
  group('acme', undefined, ['engineering']),
  group('engineering', 'acme', ['payments']),
  group('payments', 'engineering', ['payments-core']),
  group('payments-core', 'payments'),
  group('design', 'acme'),
  user('ada', 'Ada.Lovelace@Acme.Example', ['payments-core'], {
    'github.com/user-login': 'AdaL',
    'claude-code-analytics/identities': 'ada-laptop-key, arn:aws:iam::1:user/ada',
  }),
  user('grace', 'grace@acme.example', ['payments', 'design']),
  user('linus', 'LINUS@acme.example', ['engineering']),
  user('mallory', 'shared@acme.example', ['design']),
  user('trent', 'SHARED@acme.example', ['design']),
  component('ledger', 'payments-core', 'money', 'Acme/Ledger'),
  component('checkout', 'group:default/payments', 'money', 'acme/checkout'),
  component('dotfiles', 'user:ada', undefined, 'acme/dotfiles'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'money' },
    spec: { owner: 'engineering', domain: 'commerce' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'commerce' },
    spec: { owner: 'acme' },
  },
];

const sorted = (set: Set<string> | undefined) => [...(set ?? [])].sort();

describe('buildOwnershipIndex', () => {
  const index = buildOwnershipIndex(org);

  it('maps emails case-insensitively, GitHub logins and extra identities to users', () => {
    expect(index.userOfIdentity.get('ada.lovelace@acme.example')).toBe(
      'user:default/ada',
    );
    expect(index.userOfIdentity.get('adal')).toBe('user:default/ada');
    expect(index.userOfIdentity.get('ada-laptop-key')).toBe('user:default/ada');
    expect(index.userOfIdentity.get('arn:aws:iam::1:user/ada')).toBe(
      'user:default/ada',
    );
    expect(index.userOfIdentity.get('linus@acme.example')).toBe(
      'user:default/linus',
    );
  });

  it('leaves an identity claimed by two users unmapped and reports it', () => {
    expect(index.userOfIdentity.has('shared@acme.example')).toBe(false);
    expect(index.conflictingIdentities.get('shared@acme.example')).toEqual([
      'user:default/mallory',
      'user:default/trent',
    ]);
  });

  it('collects group members transitively, four levels deep', () => {
    expect(sorted(index.members.get('group:default/payments-core'))).toEqual([
      'user:default/ada',
    ]);
    expect(sorted(index.members.get('group:default/payments'))).toEqual([
      'user:default/ada',
      'user:default/grace',
    ]);
    expect(sorted(index.members.get('group:default/acme'))).toEqual([
      'user:default/ada',
      'user:default/grace',
      'user:default/linus',
      'user:default/mallory',
      'user:default/trent',
    ]);
    // A user in two groups counts in both trees.
    expect(sorted(index.members.get('group:default/design'))).toEqual([
      'user:default/grace',
      'user:default/mallory',
      'user:default/trent',
    ]);
  });

  it('sums people for groups and components for services', () => {
    expect(sorted(index.scopes.get('group:default/payments'))).toEqual([
      'user:default/ada',
      'user:default/grace',
    ]);
    expect(sorted(index.scopes.get('system:default/money'))).toEqual([
      'component:default/checkout',
      'component:default/ledger',
    ]);
    expect(sorted(index.scopes.get('domain:default/commerce'))).toEqual([
      'component:default/checkout',
      'component:default/ledger',
    ]);
    expect(sorted(index.scopes.get('user:default/ada'))).toEqual([
      'user:default/ada',
    ]);
  });

  it('gives groups the components owned by them and their sub-groups', () => {
    expect(sorted(index.components.get('group:default/engineering'))).toEqual([
      'component:default/checkout',
      'component:default/ledger',
    ]);
    expect(sorted(index.components.get('group:default/payments-core'))).toEqual(
      ['component:default/ledger'],
    );
    expect(sorted(index.components.get('user:default/ada'))).toEqual([
      'component:default/dotfiles',
    ]);
  });

  it('counts the owners of a service as its members, a user owner included', () => {
    expect(sorted(index.members.get('component:default/ledger'))).toEqual([
      'user:default/ada',
    ]);
    expect(sorted(index.members.get('component:default/dotfiles'))).toEqual([
      'user:default/ada',
    ]);
    expect(sorted(index.members.get('system:default/money'))).toEqual([
      'user:default/ada',
      'user:default/grace',
      'user:default/linus',
    ]);
  });

  it('maps repository slugs in lower case to components', () => {
    expect(sorted(index.componentsOfRepository.get('acme/ledger'))).toEqual([
      'component:default/ledger',
    ]);
  });

  it('reads processed relations as well as spec fields', () => {
    const fromRelations = buildOwnershipIndex([
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'parent' },
        spec: { type: 'team', children: [] },
        relations: [{ type: 'parentOf', targetRef: 'group:default/child' }],
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'child' },
        spec: { type: 'team', children: [] },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'zoe' },
        spec: {},
        relations: [{ type: 'memberOf', targetRef: 'group:default/child' }],
      },
    ]);
    expect(sorted(fromRelations.members.get('group:default/parent'))).toEqual([
      'user:default/zoe',
    ]);
  });

  it('survives a cycle in the group tree', () => {
    const cyclic = buildOwnershipIndex([
      group('a', 'b'),
      group('b', 'a'),
      user('x', 'x@example.com', ['a']),
    ]);
    expect(sorted(cyclic.members.get('group:default/b'))).toEqual([
      'user:default/x',
    ]);
  });
});
